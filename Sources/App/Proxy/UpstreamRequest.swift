import Domain
import HTTP1
import HTTPClient
import HTTPServer

/// The request the proxy sends to the provider, before and after the binding's authentication is applied.
struct UpstreamRequest: Sendable {
    var method: HTTPMethod
    /// The connector's `baseUrl` joined with the proxied path, without the query.
    var location: String
    /// Query pairs as sent (still percent-encoded), `name=value` or a bare `name`.
    var query: [String]
    var headers: HeaderFields
    var body: [UInt8]
    var clientCertificate: ClientCertificate?

    var url: String { query.isEmpty ? location : location + "?" + query.joined(separator: "&") }

    /// `baseURL` + "/" + `path`; the caller's query minus `identifier_type`, which names the end user of the
    /// proxy's own path; its end-to-end headers.
    init(forwarding request: Request, baseURL: String, path: String) throws(APIError) {
        guard Formats.isAbsoluteHTTPURL(baseURL),
              baseURL.firstUTF8Index(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) == nil
        else {
            throw APIError(.proxyRequestInvalid, "the connector's baseUrl is not an http(s) URL without a query")
        }
        // A dot segment would let the provider resolve the path outside the connector's baseUrl. Only a path with a
        // `.` or `%` at all is split to look.
        if path.firstUTF8Index(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") }) != nil,
           path.utf8.split(separator: UInt8(ascii: "/")).contains(where: Self.isDotSegment) {
            throw APIError(
                .proxyRequestInvalid, "the proxied path may not contain . or .. segments",
                fields: [APIError.Field(field: "path", message: "has a . or .. segment")])
        }
        var base = Substring(baseURL)
        while base.utf8.last == UInt8(ascii: "/") { base = base.dropLast() }
        method = request.method
        location = base + "/" + path
        let target = request.target
        let pairs = target.firstUTF8Index(where: { $0 == UInt8(ascii: "?") }).map { mark in
            target[target.index(after: mark)...].split(separator: "&").map(String.init)
        } ?? []
        query = pairs.filter { !$0.hasPrefix("identifier_type=") && $0 != "identifier_type" }
        headers = HopByHopHeaders.endToEnd(request.headers, alsoDropping: HopByHopHeaders.requestOnly)
        body = request.body
    }

    /// Puts `value` where an api-key or hmac scheme says: a header (replacing the caller's), a query parameter
    /// (form-encoded, as providers decode queries), or a cookie added to the caller's.
    mutating func place(_ value: String, named name: String, in location: AuthSchemeConfig.Location) {
        switch location {
        case .header:
            headers.remove(name: name)
            headers.add(name: name, value: value)
        case .query:
            query.append(FormEncoding.encode([(name, value)]))
        case .cookie:
            let sent = headers.values(for: "Cookie")
            headers.remove(name: "Cookie")
            headers.add(name: "Cookie", value: (sent + ["\(name)=\(value)"]).joined(separator: "; "))
        }
    }

    /// `.` or `..`, also percent-encoded (`%2e`, `%2E`): at most six bytes, starting with `.` or `%`, which
    /// settles nearly every segment before any string is made.
    private static func isDotSegment(_ segment: Substring.UTF8View) -> Bool {
        guard segment.count <= 6, let first = segment.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "%") else {
            return false
        }
        let decoded = String(decoding: segment, as: UTF8.self).lowercased().replacing("%2e", with: ".")
        return decoded == "." || decoded == ".."
    }

    mutating func authorize(_ value: String) { headers.replaceOrAdd(name: "Authorization", value: value) }

    var outbound: OutboundRequest {
        var request = OutboundRequest(method: method, url: url, headers: headers, body: body)
        request.clientCertificate = clientCertificate
        return request
    }
}
