/// Where and why parsing failed; `offset` is the byte index.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
