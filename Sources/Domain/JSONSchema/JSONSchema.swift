public import JSON

/// A JSON Schema (draft 2020-12) restricted to the keywords this server enforces, compiled once when stored:
/// `type`, `properties`, `required`, `additionalProperties`, `enum`, `const`, `items`, `minimum`, `maximum`,
/// `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `format` (`uri`,
/// `email`, `date-time`), `default`; `title`, `description`, `examples`, `$comment` and `$schema` (2020-12 only)
/// are annotations. Any other keyword is refused at compile time, so no part of a stored schema is ever silently
/// left unchecked. Pure: values in, issues out.
public final class JSONSchema: Sendable {
    public enum InstanceType: String, Sendable, CaseIterable {
        case null, boolean, object, array, number, integer, string
    }

    public enum Format: String, Sendable, CaseIterable {
        case uri, email, dateTime = "date-time"
    }

    /// The schema as given, to store and answer back.
    public let source: JSONValue
    /// `true` or `false` as a whole schema (everything valid, nothing valid); nil for an object schema.
    let always: Bool?
    let rules: Rules

    init(source: JSONValue, always: Bool?, rules: Rules) {
        self.source = source
        self.always = always
        self.rules = rules
    }

    /// An object schema's keywords that constrain instances. Property names compare by code point, as JSON
    /// Schema does.
    struct Rules {
        var types: [InstanceType]?
        var properties: [(name: String, schema: JSONSchema)] = []
        var required: [String] = []
        var additionalProperties: JSONSchema?
        var enumValues: [JSONValue]?
        var constValue: JSONValue?
        var items: JSONSchema?
        var minimum: Double?, maximum: Double?, exclusiveMinimum: Double?, exclusiveMaximum: Double?
        var minLength: Int?, maxLength: Int?, minItems: Int?, maxItems: Int?
        var format: Format?
        var defaultValue: JSONValue?
    }
}
