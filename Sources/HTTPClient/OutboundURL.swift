import HTTP1

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
        // Parsed over the string's own bytes: every proxied request parses its URL, and a step through
        // `String.UTF8View` or a `Character` comparison costs several times a plain load. Every delimiter is ASCII,
        // and anything non-ASCII left in the host or target is refused.
        let parsed = text.utf8.withContiguousStorageIfAvailable(Self.parse)
            ?? Array(text.utf8).withUnsafeBufferPointer(Self.parse)
        self = try parsed.get()
    }

    private typealias Bytes = UnsafeBufferPointer<UInt8>

    private static func parse(_ bytes: Bytes) -> Result<OutboundURL, HTTPClientError> {
        do throws(HTTPClientError) { return .success(try OutboundURL(bytes)) } catch { return .failure(error) }
    }

    private init(_ bytes: Bytes) throws(HTTPClientError) {
        guard let colon = Self.firstSchemeSeparator(in: bytes) else { throw .invalidURL("not an absolute URL") }
        let schemeName = bytes[..<colon]
        if schemeName.elementsEqual("http".utf8, by: { ASCII.lower($0) == $1 }) {
            scheme = .http
        } else if schemeName.elementsEqual("https".utf8, by: { ASCII.lower($0) == $1 }) {
            scheme = .https
        } else {
            throw .refused(.unsupportedScheme)
        }
        let restStart = colon + 3
        let end = bytes[restStart...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let authorityEnd = bytes[restStart..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        let authority = bytes[restStart..<authorityEnd]
        let target = bytes[authorityEnd..<end]
        guard !authority.contains(UInt8(ascii: "@")) else {
            throw .invalidURL("user information is not allowed in the URL")
        }
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidURL("the path or query holds characters that must be percent-encoded")
        }
        (host, port, isIPv6Literal) = try Self.hostAndPort(authority, defaultPort: scheme == .https ? 443 : 80)
        let targetText = String(decoding: target, as: UTF8.self)
        self.target = target.isEmpty ? "/" : target.first == UInt8(ascii: "?") ? "/" + targetText : targetText
    }

    /// Where the first "://" starts.
    private static func firstSchemeSeparator(in bytes: Bytes) -> Int? {
        var start = 0
        while let colon = bytes[start...].firstIndex(of: UInt8(ascii: ":")) {
            if bytes[colon...].starts(with: "://".utf8) { return colon }
            start = colon + 1
        }
        return nil
    }

    /// The Host header value (RFC 9110 §7.2): the port only when it is not the scheme's default.
    public var hostHeader: String {
        let name = isIPv6Literal ? "[\(host)]" : host
        return port == (scheme == .https ? 443 : 80) ? name : "\(name):\(port)"
    }

    private static func hostAndPort(_ authority: Slice<Bytes>, defaultPort: Int) throws(HTTPClientError) -> (String, Int, Bool) {
        var host: Slice<Bytes>
        var portText: Slice<Bytes>?
        let isIPv6 = authority.first == UInt8(ascii: "[")
        if isIPv6 {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw .invalidURL("unterminated IPv6 literal")
            }
            host = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw .invalidURL("invalid authority") }
                portText = after.dropFirst()
            }
            guard case .v6 = IPAddress(String(decoding: host, as: UTF8.self)) else {
                throw .invalidURL("invalid IPv6 literal")
            }
        } else {
            if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
                host = authority[..<colon]
                portText = authority[(colon + 1)...]
            } else {
                host = authority
            }
            let allowed = host.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
            guard allowed else { throw .invalidURL("the host holds characters that are not allowed") }
        }
        guard !host.isEmpty, host.count <= 253 else { throw .invalidURL("missing or too long host") }
        var port = defaultPort
        if let portText {
            guard (1...5).contains(portText.count), portText.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw .invalidURL("invalid port")
            }
            let value = portText.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard (1...65535).contains(value) else { throw .invalidURL("invalid port") }
            port = value
        }
        // Every byte left is ASCII (checked above, or an IPv6 literal's hex digits and colons).
        return (String(decoding: host.lazy.map(ASCII.lower), as: UTF8.self), port, isIPv6)
    }
}
