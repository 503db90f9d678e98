public import JSON

extension JSONSchema {
    /// The only `$schema` accepted: the dialect these rules implement.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// Keywords that only annotate: accepted and never checked against an instance.
    static let annotations: Set<String> = ["title", "description", "examples", "$comment", "$schema"]

    /// Compiles `source`, or throws every problem found, each at `path` plus the keyword's place in the schema
    /// (`variablesSchema.properties.region.pattern`).
    public convenience init(compiling source: JSONValue, at path: String) throws(ValidationFailure) {
        let issues = IssueCollector()
        let compiled = Self.compile(source, at: path, issues: issues)
        try issues.throwIfAny()
        self.init(source: source, always: compiled.always, rules: compiled.rules)
    }

    private static func compile(_ source: JSONValue, at path: String, issues: IssueCollector) -> (always: Bool?, rules: Rules) {
        if case .bool(let value) = source { return (value, Rules()) }
        guard case .object(let object) = source else {
            issues.report(path, "must be a JSON Schema: an object or a boolean")
            return (false, Rules())
        }
        var rules = Rules()
        for member in object {
            let keyword = member.key
            let value = member.value
            let at = FieldPath.member(path, keyword)
            switch keyword {
            case "type": rules.types = types(value, at: at, issues: issues)
            case "properties":
                guard case .object(let properties) = value else {
                    issues.report(at, "must be an object of schemas")
                    continue
                }
                rules.properties = properties.map {
                    (name: $0.key, schema: subschema($0.value, at: FieldPath.member(at, $0.key), issues: issues))
                }
            case "required": rules.required = uniqueStrings(value, at: at, issues: issues)
            case "additionalProperties": rules.additionalProperties = subschema(value, at: at, issues: issues)
            case "items":
                guard value.arrayValue == nil else {
                    issues.report(at, "must be one schema (the array form is prefixItems, which is not supported)")
                    continue
                }
                rules.items = subschema(value, at: at, issues: issues)
            case "enum":
                guard let values = value.arrayValue else {
                    issues.report(at, "must be an array")
                    continue
                }
                rules.enumValues = values
            case "const": rules.constValue = value
            case "minimum": rules.minimum = number(value, at: at, issues: issues)
            case "maximum": rules.maximum = number(value, at: at, issues: issues)
            case "exclusiveMinimum": rules.exclusiveMinimum = number(value, at: at, issues: issues)
            case "exclusiveMaximum": rules.exclusiveMaximum = number(value, at: at, issues: issues)
            case "minLength": rules.minLength = count(value, at: at, issues: issues)
            case "maxLength": rules.maxLength = count(value, at: at, issues: issues)
            case "minItems": rules.minItems = count(value, at: at, issues: issues)
            case "maxItems": rules.maxItems = count(value, at: at, issues: issues)
            case "format":
                guard let name = value.stringValue, let format = Format(rawValue: name) else {
                    issues.report(at, "must be one of the checked formats: " + Format.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                rules.format = format
            case "default": rules.defaultValue = value
            case "$schema":
                if value.stringValue != dialect { issues.report(at, "must be \(dialect), the only dialect supported") }
            case "title", "description", "$comment":
                if value.stringValue == nil { issues.report(at, "must be a string") }
            case "examples":
                if value.arrayValue == nil { issues.report(at, "must be an array") }
            default:
                issues.report(at, "is not a supported keyword; supported: \(supportedKeywords)")
            }
        }
        return (nil, rules)
    }

    static let supportedKeywords = [
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "format", "default",
        "title", "description", "examples", "$comment", "$schema",
    ].joined(separator: ", ")

    private static func subschema(_ source: JSONValue, at path: String, issues: IssueCollector) -> JSONSchema {
        let compiled = compile(source, at: path, issues: issues)
        return JSONSchema(source: source, always: compiled.always, rules: compiled.rules)
    }

    private static func types(_ value: JSONValue, at path: String, issues: IssueCollector) -> [InstanceType]? {
        let names = value.stringValue.map { [JSONValue.string($0)] } ?? value.arrayValue
        let parsed = names?.compactMap { $0.stringValue.flatMap(InstanceType.init(rawValue:)) }
        guard let names, let parsed, parsed.count == names.count, !parsed.isEmpty, Set(parsed).count == parsed.count else {
            issues.report(path, "must be a type name or an array of distinct type names: "
                + InstanceType.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return parsed
    }

    private static func uniqueStrings(_ value: JSONValue, at path: String, issues: IssueCollector) -> [String] {
        let strings = value.arrayValue?.compactMap(\.stringValue)
        guard let strings, strings.count == value.arrayValue?.count,
              Set(strings.map { Array($0.utf8) }).count == strings.count
        else {
            issues.report(path, "must be an array of distinct strings")
            return []
        }
        return strings
    }

    private static func number(_ value: JSONValue, at path: String, issues: IssueCollector) -> Double? {
        guard let number = value.numberValue else {
            issues.report(path, "must be a number")
            return nil
        }
        return number
    }

    /// A non-negative integer; `2.0` counts as 2, as the specification's own tests have it.
    private static func count(_ value: JSONValue, at path: String, issues: IssueCollector) -> Int? {
        guard let number = value.numberValue, number >= 0, number == number.rounded(), number < 1e15 else {
            issues.report(path, "must be a non-negative integer")
            return nil
        }
        return Int(number)
    }
}
