import JSON

/// Reads members of JSON request bodies, collecting every problem with its field path
/// (`authSchemeConfigs[1].grant.grantType`) so one 400 names them all.
struct BodyValidator {
    private(set) var problems: [APIError.Field] = []

    static func path(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
    static func path(_ base: String, index: Int) -> String { "\(base)[\(index)]" }

    mutating func fail(_ path: String, _ message: String) {
        problems.append(APIError.Field(field: path, message: message))
    }

    /// Throws one 400 listing every problem found so far.
    func check() throws(APIError) {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }

    mutating func rejectUnknown(_ object: JSONObject, allowed: Set<String>, at base: String) {
        for key in object.keys where !allowed.contains(key) {
            fail(Self.path(base, key), "unknown field")
        }
    }

    mutating func object(_ value: JSONValue?, at path: String) -> JSONObject? {
        switch value {
        case .object(let object)?: return object
        case nil: fail(path, "is required")
        default: fail(path, "must be an object")
        }
        return nil
    }

    mutating func array(_ value: JSONValue?, at path: String, required: Bool = true) -> [JSONValue]? {
        switch value {
        case .array(let items)?: return items
        case nil where !required: return nil
        case nil: fail(path, "is required")
        default: fail(path, "must be an array")
        }
        return nil
    }

    /// A string member; `allowEmpty: false` also refuses "" and all-space text.
    mutating func string(
        _ object: JSONObject, _ key: String, at base: String, required: Bool = true, allowEmpty: Bool = false,
        maxLength: Int = 1024
    ) -> String? {
        let path = Self.path(base, key)
        switch object[key] {
        case .string(let text)?:
            if !allowEmpty && text.trimmingSpaces().isEmpty {
                fail(path, "must not be empty")
            } else if text.count > maxLength {
                fail(path, "must be at most \(maxLength) characters")
            } else {
                return text
            }
        case nil where !required: break
        case nil: fail(path, "is required")
        default: fail(path, "must be a string")
        }
        return nil
    }

    mutating func bool(_ object: JSONObject, _ key: String, at base: String, required: Bool = false) -> Bool? {
        let path = Self.path(base, key)
        switch object[key] {
        case .bool(let value)?: return value
        case nil where !required: return nil
        case nil: fail(path, "is required")
        default: fail(path, "must be true or false")
        }
        return nil
    }

    /// A string that must be one of `allowed`.
    mutating func oneOf(_ object: JSONObject, _ key: String, _ allowed: [String], at base: String) -> String? {
        guard let value = string(object, key, at: base) else { return nil }
        guard allowed.contains(value) else {
            fail(Self.path(base, key), "must be one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// An absolute http(s) URL with a host, no whitespace.
    mutating func httpURL(_ object: JSONObject, _ key: String, at base: String, required: Bool = true) -> String? {
        guard let text = string(object, key, at: base, required: required, maxLength: 2048) else { return nil }
        guard Self.isAbsoluteHTTPURL(text) else {
            fail(Self.path(base, key), "must be an absolute http or https URL")
            return nil
        }
        return text
    }

    static func isAbsoluteHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return false
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && !host.hasPrefix(":") && !host.hasPrefix("@")
            && !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}
