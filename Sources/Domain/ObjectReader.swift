import JSON

/// Reads the members of one JSON object, reporting missing, mistyped and (on `finish`) unknown members
/// with their full field path. A JSON `null` for an optional member counts as absent.
struct ObjectReader {
    let object: JSONObject
    let path: String
    let issues: IssueCollector
    /// The keys read by name so far: at most the schema's few, so an array scan beats hashing every key into a set
    /// (a set costs 5 % of a create). Objects whose keys are the caller's data (tags) are read by `eachMember`,
    /// which marks them all at once, so this never grows with the body.
    private var consumed: [String]
    private var consumedAll = false

    /// Nil (after reporting) when `value` is missing or not an object.
    init?(_ value: JSONValue?, at path: String, issues: IssueCollector, ignoring ignored: Set<String> = []) {
        guard let value else {
            issues.report(path, "is required")
            return nil
        }
        guard case .object(let object) = value else {
            issues.report(path, "must be an object, not \(value.typeName)")
            return nil
        }
        self.object = object
        self.path = path
        self.issues = issues
        consumed = Array(ignored)
    }

    func pathOf(_ key: String) -> String { FieldPath.member(path, key) }
    func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    /// The raw member; reports "is required" when absent and required.
    mutating func value(_ key: String, required: Bool) -> JSONValue? {
        if !consumed.contains(key) { consumed.append(key) }
        guard let value = object[key], !(value.isNull && !required) else {
            if required { issues.report(pathOf(key), "is required") }
            return nil
        }
        return value
    }

    mutating func string(
        _ key: String, required: Bool = true, allowEmpty: Bool = false,
        maxLength: Int = ValidationLimits.maxStringLength
    ) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value else {
            issues.report(pathOf(key), "must be a string, not \(value.typeName)")
            return nil
        }
        if text.isEmpty && !allowEmpty {
            issues.report(pathOf(key), "must not be empty")
            return nil
        }
        if text.scalarCount > maxLength {
            issues.report(pathOf(key), "must be at most \(maxLength) characters")
            return nil
        }
        return text
    }

    mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            issues.report(pathOf(key), "must be a boolean, not \(value.typeName)")
            return nil
        }
        return flag
    }

    mutating func ulid(_ key: String, required: Bool = true) -> ULID? {
        guard let text = string(key, required: required) else { return nil }
        guard let id = ULID(text) else {
            issues.report(pathOf(key), "must be a ULID (26 Crockford base32 characters)")
            return nil
        }
        return id
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(
        _ key: String, as type: Value.Type, required: Bool = true
    ) -> Value? where Value.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            issues.report(pathOf(key), "must be one of: \(allowed)")
            return nil
        }
        return parsed
    }

    /// Array elements with their paths; reports a wrong type or more than `maxCount` elements.
    mutating func array(_ key: String, required: Bool = true, maxCount: Int) -> [(value: JSONValue, path: String)]? {
        guard let value = value(key, required: required) else { return nil }
        return elements(of: value, at: pathOf(key), maxCount: maxCount)
    }

    /// `value`'s elements with their paths; reports a wrong type or more than `maxCount` elements.
    func elements(of value: JSONValue, at path: String, maxCount: Int) -> [(value: JSONValue, path: String)]? {
        guard case .array(let elements) = value else {
            issues.report(path, "must be an array, not \(value.typeName)")
            return nil
        }
        if elements.count > maxCount {
            issues.report(path, "must have at most \(maxCount) elements")
            return nil
        }
        return elements.enumerated().map { (value: $0.element, path: FieldPath.element(path, $0.offset)) }
    }

    mutating func stringArray(_ key: String, required: Bool = true, maxCount: Int = ValidationLimits.maxScopes)
        -> [String]?
    {
        guard let value = value(key, required: required) else { return nil }
        return strings(in: value, at: pathOf(key), maxCount: maxCount)
    }

    /// Every member with its path, in order, all counted as read: for objects whose keys are data, where reading
    /// them one by one by name would scan the object once per key.
    mutating func eachMember() -> [(key: String, value: JSONValue, path: String)] {
        consumedAll = true
        return object.members.map { (key: $0.key, value: $0.value, path: pathOf($0.key)) }
    }

    /// `value` as an array of strings; reports a wrong type, more than `maxCount` elements, or a bad element.
    func strings(in value: JSONValue, at path: String, maxCount: Int = ValidationLimits.maxScopes) -> [String]? {
        guard let elements = elements(of: value, at: path, maxCount: maxCount) else { return nil }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element.value, text.scalarCount <= ValidationLimits.maxStringLength else {
                issues.report(element.path, "must be a string of at most \(ValidationLimits.maxStringLength) characters")
                continue
            }
            strings.append(text)
        }
        return strings.count == elements.count ? strings : nil
    }

    /// Reports every member that was never read: unknown fields are errors, not silently dropped.
    func finish() {
        guard !consumedAll else { return }
        for key in object.keys where !consumed.contains(key) {
            issues.report(pathOf(key), "unknown field")
        }
    }
}
