public import HTTP1

/// One outbound request. The client adds Host, Connection (close, unless the connection may be kept),
/// Content-Length or Transfer-Encoding, and User-Agent itself.
public struct OutboundRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HeaderFields
    public var body: [UInt8]
    /// Who the call is made for (an organisation id): requests of one tenant share a concurrency limit.
    public var tenant: String?
    /// Presented to the server in the TLS handshake (mutual TLS); https only.
    public var clientCertificate: ClientCertificate?

    public init(method: HTTPMethod, url: String, headers: HeaderFields = [:], body: [UInt8] = [], tenant: String? = nil) {
        self.method = method
        self.tenant = tenant
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The final response, as received: a 3xx is returned as it is, never followed.
public struct OutboundResponse: Sendable, Equatable {
    public var status: HTTPStatus
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HeaderFields, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension OutboundRequest {
    static let clientOwnedHeaders = ["host", "connection", "content-length", "transfer-encoding", "te", "upgrade"]

    /// The request's bytes on the wire (RFC 9112 §3), refusing header names and values that could split it.
    func serialized(for url: OutboundURL, userAgent: String) throws(HTTPClientError) -> [UInt8] {
        let framed = !body.isEmpty || [.POST, .PUT, .PATCH].contains(method)
        return try serializedHead(for: url, userAgent: userAgent, framing: framed ? "Content-Length: \(body.count)\r\n" : "")
            + body
    }

    /// The head alone, with `framing` (a Content-Length or Transfer-Encoding line, or nothing) for the body;
    /// `keepAlive` leaves out `Connection: close`, so the server may keep the connection for another request.
    func serializedHead(
        for url: OutboundURL, userAgent: String, framing: String, keepAlive: Bool = false
    ) throws(HTTPClientError) -> [UInt8] {
        // Appended as bytes into one buffer: every proxied request is serialized here.
        var head: [UInt8] = []
        head.reserveCapacity(256)
        head.append(contentsOf: method.rawValue.utf8)
        head.append(UInt8(ascii: " "))
        head.append(contentsOf: url.target.utf8)
        head.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        head.append(contentsOf: url.hostHeader.utf8)
        head.append(contentsOf: "\r\n".utf8)
        if !keepAlive { head.append(contentsOf: "Connection: close\r\n".utf8) }
        if !headers.contains("User-Agent") { Self.appendField("User-Agent", userAgent, to: &head) }
        for (name, value) in headers {
            guard !name.isEmpty, name.allUTF8(satisfy: ASCII.isTokenByte) else { throw .invalidRequest("invalid header name") }
            guard !Self.clientOwnedHeaders.containsName(name) else {
                throw .invalidRequest("the \(name) header is set by the client")
            }
            guard value.allUTF8(satisfy: ASCII.isFieldValueByte) else {
                throw .invalidRequest("invalid value for header \(name)")
            }
            Self.appendField(name, value, to: &head)
        }
        head.append(contentsOf: framing.utf8)
        guard method.rawValue.utf8.allSatisfy(ASCII.isTokenByte), !method.rawValue.isEmpty else {
            throw .invalidRequest("invalid method")
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }

    private static func appendField(_ name: String, _ value: String, to head: inout [UInt8]) {
        head.append(contentsOf: name.utf8)
        head.append(contentsOf: ": ".utf8)
        head.append(contentsOf: value.utf8)
        head.append(contentsOf: "\r\n".utf8)
    }
}
