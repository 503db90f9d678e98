/// A request method token (RFC 9110 §9). Any token is representable; the common ones have names.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let GET = HTTPMethod(rawValue: "GET")
    public static let HEAD = HTTPMethod(rawValue: "HEAD")
    public static let POST = HTTPMethod(rawValue: "POST")
    public static let PUT = HTTPMethod(rawValue: "PUT")
    public static let PATCH = HTTPMethod(rawValue: "PATCH")
    public static let DELETE = HTTPMethod(rawValue: "DELETE")
    public static let OPTIONS = HTTPMethod(rawValue: "OPTIONS")

    public var description: String { rawValue }

    /// The method spelled by `token` (already checked to be a token): a named one without making a new string.
    static func parse(_ token: UnsafeRawBufferPointer) -> HTTPMethod {
        func spells(_ text: StaticString) -> Bool {
            token.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        switch token.count {
        case 3 where spells("GET"): return .GET
        case 3 where spells("PUT"): return .PUT
        case 4 where spells("POST"): return .POST
        case 4 where spells("HEAD"): return .HEAD
        case 5 where spells("PATCH"): return .PATCH
        case 6 where spells("DELETE"): return .DELETE
        case 7 where spells("OPTIONS"): return .OPTIONS
        default: return HTTPMethod(rawValue: String(decoding: token, as: UTF8.self))
        }
    }
}
