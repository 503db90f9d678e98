/// An absolute http(s) URL, parsed strictly enough that what is checked is what is connected to:
/// no user info, an explicit host, only printable ASCII in the path and query, the fragment dropped.
public struct OutboundURL: Sendable, Equatable {
    public enum Scheme: String, Sendable { case http, https }

    public var scheme: Scheme
    /// Lower-cased name or address literal; IPv6 literals without their brackets.
    public var host: String
    public var port: Int
    /// The request target: absolute path and query, at least "/".
    public var target: String
    public var isIPv6Literal: Bool

    public init(parsing text: String) throws(HTTPClientError) {
        let bytes = text.utf8
        guard let colon = Self.firstSchemeSeparator(in: bytes) else { throw .invalidURL("not an absolute URL") }
        let schemeName = text[..<colon].lowercased()
        guard let scheme = Scheme(rawValue: schemeName) else { throw .refused(.unsupportedScheme) }
        // Delimiters are ASCII, so searching the bytes finds what a search by Character would, without grapheme
        // breaking; anything non-ASCII left in the host or target is refused below.
        var rest = text[bytes.index(colon, offsetBy: 3)...]
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        let authorityEnd = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let target = rest[authorityEnd...]
        guard !authority.utf8.contains(UInt8(ascii: "@")) else {
            throw .invalidURL("user information is not allowed in the URL")
        }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidURL("the path or query holds characters that must be percent-encoded")
        }
        self.scheme = scheme
        (host, port, isIPv6Literal) = try Self.hostAndPort(authority, defaultPort: scheme == .https ? 443 : 80)
        self.target = target.isEmpty ? "/" : target.utf8.first == UInt8(ascii: "?") ? "/" + target : String(target)
    }

    /// Where the first "://" starts, found by byte: a generic substring search over `String` is many times slower,
    /// and every proxied request parses its URL.
    private static func firstSchemeSeparator(in bytes: String.UTF8View) -> String.Index? {
        var start = bytes.startIndex
        while let colon = bytes[start...].firstIndex(of: UInt8(ascii: ":")) {
            if bytes[colon...].starts(with: "://".utf8) { return colon }
            start = bytes.index(after: colon)
        }
        return nil
    }

    /// The Host header value (RFC 9110 §7.2): the port only when it is not the scheme's default.
    public var hostHeader: String {
        let name = isIPv6Literal ? "[\(host)]" : host
        return port == (scheme == .https ? 443 : 80) ? name : "\(name):\(port)"
    }

    private static func hostAndPort(_ authority: Substring, defaultPort: Int) throws(HTTPClientError) -> (String, Int, Bool) {
        var host: Substring
        var portText: Substring?
        let isIPv6 = authority.first == "["
        if isIPv6 {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unterminated IPv6 literal") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw .invalidURL("invalid authority") }
                portText = after.dropFirst()
            }
            guard case .v6 = IPAddress(String(host)) else { throw .invalidURL("invalid IPv6 literal") }
        } else {
            if let colon = authority.utf8.firstIndex(of: UInt8(ascii: ":")) {
                host = authority[..<colon]
                portText = authority[authority.utf8.index(after: colon)...]
            } else {
                host = authority
            }
            let allowed = host.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
            guard allowed else { throw .invalidURL("the host holds characters that are not allowed") }
        }
        guard !host.isEmpty, host.utf8.count <= 253 else { throw .invalidURL("missing or too long host") }
        var port = defaultPort
        if let portText {
            guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let value = Int(portText), (1...65535).contains(value)
            else { throw .invalidURL("invalid port") }
            port = value
        }
        return (host.lowercased(), port, isIPv6)
    }
}
