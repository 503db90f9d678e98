import HTTPClient
import Testing

@Suite struct OutboundURLTests {
    static let valid: [(String, OutboundURL.Scheme, String, Int, String, String)] = [
        ("https://auth.example.com/oauth/token", .https, "auth.example.com", 443, "/oauth/token", "auth.example.com"),
        ("HTTP://Auth.Example.com:8080", .http, "auth.example.com", 8080, "/", "auth.example.com:8080"),
        ("https://example.com:443/t?x=1#frag", .https, "example.com", 443, "/t?x=1", "example.com"),
        ("https://example.com?x=1", .https, "example.com", 443, "/?x=1", "example.com"),
        ("http://[::1]:9000/token", .http, "::1", 9000, "/token", "[::1]:9000"),
        ("http://127.0.0.1/token", .http, "127.0.0.1", 80, "/token", "127.0.0.1"),
        ("hTtPs://[::FFFF:7F00:1]/x#y", .https, "::ffff:7f00:1", 443, "/x", "[::ffff:7f00:1]"),
        ("http://a.example:8080?q=:@", .http, "a.example", 8080, "/?q=:@", "a.example:8080"),
    ]

    @Test(arguments: valid)
    func parses(text: String, scheme: OutboundURL.Scheme, host: String, port: Int, target: String, hostHeader: String) throws {
        let url = try OutboundURL(parsing: text)
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.target == target)
        #expect(url.hostHeader == hostHeader)
    }

    static let invalid = [
        "example.com/token", "https://", "https://user:pass@example.com/", "https://evil.com@169.254.169.254/",
        "https://exa mple.com/", "https://example.com:0/", "https://example.com:65536/", "https://example.com:8o/",
        "https://example.com/a b", "https://example.com/\r\nX: y", "https://[::1/", "https://[nothex]/",
        "https://ex%61mple.com/", "https://exämple.com/",
    ]

    @Test(arguments: invalid)
    func rejects(text: String) {
        #expect(throws: HTTPClientError.self) { try OutboundURL(parsing: text) }
    }

    @Test(arguments: ["ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1:6379/", "javascript://x"])
    func refusesOtherSchemes(text: String) {
        #expect(throws: HTTPClientError.refused(.unsupportedScheme)) { try OutboundURL(parsing: text) }
    }
}
