public import JSON

extension JSONSchema {
    /// Every way `instance` fails the schema, each at `path` plus the instance's place (`dynamicVariables.region`,
    /// `dynamicVariables.tags[2]`); empty when it is valid. Defaults play no part here, as the specification has it.
    public func issues(in instance: JSONValue, at path: String) -> [ValidationIssue] {
        let collector = IssueCollector()
        check(instance, at: path, into: collector)
        return collector.issues
    }

    /// `instance` checked, then with every absent property that has a `default` filled in (in nested objects and
    /// array items too). Defaults are taken as written: the specification treats them as annotations and does not
    /// require them to satisfy their own schema.
    public func validated(_ instance: JSONValue, at path: String) throws(ValidationFailure) -> JSONValue {
        let found = issues(in: instance, at: path)
        if !found.isEmpty { throw ValidationFailure(issues: found) }
        return applyingDefaults(to: instance)
    }

    public func applyingDefaults(to instance: JSONValue) -> JSONValue {
        switch instance {
        case .object(let object):
            var members = object.members
            for (name, schema) in rules.properties {
                if let index = members.firstIndex(where: { JSONEquality.sameKey($0.key, name) }) {
                    members[index].value = schema.applyingDefaults(to: members[index].value)
                } else if let value = schema.rules.defaultValue {
                    members.append(JSONObject.Member(key: name, value: schema.applyingDefaults(to: value)))
                }
            }
            return .object(JSONObject(members: members))
        case .array(let elements):
            guard let items = rules.items else { return instance }
            return .array(elements.map(items.applyingDefaults(to:)))
        default:
            return instance
        }
    }

    private func check(_ instance: JSONValue, at path: String, into issues: IssueCollector) {
        if let always {
            if !always { issues.report(path, "is not allowed") }
            return
        }
        if let types = rules.types, !types.contains(where: { $0.admits(instance) }) {
            let names = types.map(\.rawValue)
            issues.report(path, names.count == 1 ? "must be of type \(names[0])" : "must be one of the types " + names.joined(separator: ", "))
            return  // the other keywords' messages would only repeat this one
        }
        if let enumValues = rules.enumValues, !enumValues.contains(where: { JSONEquality.equal($0, instance) }) {
            issues.report(path, "must be one of the allowed values")
        }
        if let constValue = rules.constValue, !JSONEquality.equal(constValue, instance) { issues.report(path, "must be the constant value") }
        switch instance {
        case .number(let value): checkNumber(value, at: path, into: issues)
        case .string(let value): checkString(value, at: path, into: issues)
        case .array(let elements): checkArray(elements, at: path, into: issues)
        case .object(let object): checkObject(object, at: path, into: issues)
        case .null, .bool: break
        }
    }

    private func checkNumber(_ value: Double, at path: String, into issues: IssueCollector) {
        if let minimum = rules.minimum, value < minimum { issues.report(path, "must be at least \(JSONEquality.text(minimum))") }
        if let maximum = rules.maximum, value > maximum { issues.report(path, "must be at most \(JSONEquality.text(maximum))") }
        if let exclusiveMinimum = rules.exclusiveMinimum, value <= exclusiveMinimum {
            issues.report(path, "must be greater than \(JSONEquality.text(exclusiveMinimum))")
        }
        if let exclusiveMaximum = rules.exclusiveMaximum, value >= exclusiveMaximum {
            issues.report(path, "must be less than \(JSONEquality.text(exclusiveMaximum))")
        }
    }

    private func checkString(_ value: String, at path: String, into issues: IssueCollector) {
        // Lengths count code points, as JSON Schema does (not grapheme clusters).
        let length = value.unicodeScalars.count
        if let minLength = rules.minLength, length < minLength { issues.report(path, "must be at least \(minLength) characters long") }
        if let maxLength = rules.maxLength, length > maxLength { issues.report(path, "must be at most \(maxLength) characters long") }
        if let format = rules.format, !format.admits(value) { issues.report(path, "must be a valid \(format.rawValue)") }
    }

    private func checkArray(_ elements: [JSONValue], at path: String, into issues: IssueCollector) {
        if let minItems = rules.minItems, elements.count < minItems { issues.report(path, "must have at least \(minItems) items") }
        if let maxItems = rules.maxItems, elements.count > maxItems { issues.report(path, "must have at most \(maxItems) items") }
        guard let items = rules.items else { return }
        for (index, element) in elements.enumerated() {
            items.check(element, at: FieldPath.element(path, index), into: issues)
        }
    }

    private func checkObject(_ object: JSONObject, at path: String, into issues: IssueCollector) {
        for name in rules.required where !object.members.contains(where: { JSONEquality.sameKey($0.key, name) }) {
            issues.report(FieldPath.member(path, name), "is required")
        }
        for member in object.members {
            let at = FieldPath.member(path, member.key)
            if let declared = rules.properties.first(where: { JSONEquality.sameKey($0.name, member.key) }) {
                declared.schema.check(member.value, at: at, into: issues)
            } else if let additionalProperties = rules.additionalProperties {
                additionalProperties.check(member.value, at: at, into: issues)
            }
        }
    }
}

extension JSONSchema.InstanceType {
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string),
             (.number, .number):
            true
        case (.integer, .number(let number)): number.isFinite && number == number.rounded()
        default: false
        }
    }
}
