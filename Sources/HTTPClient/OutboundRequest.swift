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
        var head = "\(method.rawValue) \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        if !headers.contains("User-Agent") { head += "User-Agent: \(userAgent)\r\n" }
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTokenByte) else { throw .invalidRequest("invalid header name") }
            guard !Self.clientOwnedHeaders.contains(name.lowercased()) else {
                throw .invalidRequest("the \(name) header is set by the client")
            }
            guard value.utf8.allSatisfy(ASCII.isFieldValueByte) else {
                throw .invalidRequest("invalid value for header \(name)")
            }
            head += "\(name): \(value)\r\n"
        }
        head += framing
        guard method.rawValue.utf8.allSatisfy(ASCII.isTokenByte), !method.rawValue.isEmpty else {
            throw .invalidRequest("invalid method")
        }
        return Array((head + "\r\n").utf8)
    }
}
