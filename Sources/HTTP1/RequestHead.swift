/// A parsed request line and header section, already validated against RFC 9112.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target as received, except that absolute-form is reduced to its path and query.
    public var target: String
    public var version: HTTPVersion
    public var headers: HeaderFields
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request: send `100 Continue` before reading the body.
    public var expectsContinue: Bool

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: HeaderFields,
        keepAlive: Bool? = nil, expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive ?? Self.defaultKeepAlive(version: version, headers: headers)
        self.expectsContinue = expectsContinue
    }

    /// HTTP/1.1 defaults to persistent, HTTP/1.0 to close; `Connection: close` / `keep-alive` tokens override.
    public static func defaultKeepAlive(version: HTTPVersion, headers: HeaderFields) -> Bool {
        let options = headers.listElements(of: "connection")
        if options.contains(where: { $0.equalsIgnoringASCIICase("close") }) { return false }
        return version == .http1_1 || options.contains { $0.equalsIgnoringASCIICase("keep-alive") }
    }
}

extension StringProtocol {
    /// Drops leading and trailing spaces and tabs (RFC 9110 OWS). By byte, over contiguous UTF-8: both are ASCII,
    /// and a Character step costs grapheme breaking on values read for every request. The one trim of the
    /// project: header values here and in the client, and the App's names and parameters.
    package func trimmingOWS() -> Substring {
        var text = Substring(self)
        let (start, end) = text.withUTF8 { bytes in
            func isSpace(_ byte: UInt8) -> Bool { byte == ASCII.space || byte == ASCII.tab }
            var start = 0, end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            return (start, end)
        }
        // Both offsets sit next to an ASCII byte (or an end), so they are scalar boundaries.
        let utf8 = text.utf8
        return text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
    }

    /// ASCII case-insensitive equality without allocating lowercased copies.
    package func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }
}

extension String {
    /// `StringProtocol.equalsIgnoringASCIICase` over both strings' contiguous bytes: header names are compared
    /// several times per request, and the generic zip of two `UTF8View`s cost more than the parse around it.
    /// The lengths first, inlined: most comparisons are of a header name against names of other lengths.
    @inlinable
    package func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && sameLengthEqualsIgnoringASCIICase(other)
    }

    @usableFromInline
    package func sameLengthEqualsIgnoringASCIICase(_ other: String) -> Bool {
        withBytes { left in
            other.withBytes { right in
                for position in left.indices where ASCII.lower(left[position]) != ASCII.lower(right[position]) {
                    return false
                }
                return true
            }
        }
    }
}
