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
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { parse($0, maxDepth: maxDepth) }.get()
    }

    /// `parse` over a string's UTF-8 (a json column's text) without copying it into an array first.
    public static func parse(utf8 text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse($0, maxDepth: maxDepth) }.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        do { return .success(try parser.parseDocument()) } catch { return .failure(error) }
    }

    /// Compact serialisation with members in stored order.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.finish()
    }

    /// Two-space indented serialisation, for humans.
    public func prettySerialized() -> [UInt8] {
        var writer = JSONWriter(pretty: true)
        writer.write(self)
        return writer.finish()
    }
}

extension JSONValue {
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// The JSON type name, for error messages ("expected string, got number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
