// INTERFACE STUB — the JSON owner replaces this file with real, split files, keeping these signatures
// (adding to them is fine).

/// A JSON value. Objects keep their members in order, so output is deterministic and as written.
public enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }

    /// Strict RFC 8259 parsing: one value, no trailing bytes, UTF-8 only, depth ≤ `maxDepth`,
    /// duplicate object keys rejected.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue { fatalError() }
    /// Compact serialisation with members in stored order.
    public func serialized() -> [UInt8] { fatalError() }
    /// Two-space indented serialisation, for humans.
    public func prettySerialized() -> [UInt8] { fatalError() }
}

/// An object's members, in order. Keys are unique.
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]
    public init(_ members: [(String, JSONValue)] = []) { self.members = members.map { (key: $0.0, value: $0.1) } }
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.value == $1.value }
    }
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { members.makeIterator() }
    public var keys: [String] { members.map(\.key) }
    /// Get a member, or set (replace in place, or append); setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }
}

/// Where and why parsing failed; `offset` is the byte index.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
