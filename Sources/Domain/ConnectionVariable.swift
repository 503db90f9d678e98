import JSON

/// A name/value pair configuring a connection or connector.
public struct ConnectionVariable: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var jsonValue: JSONValue { ["name": .string(name), "value": .string(value)] }

    /// Decodes a variables list: at most `maxVariables`, names non-empty and unique.
    static func decodeList(_ reader: inout ObjectReader, key: String, required: Bool) -> [ConnectionVariable]? {
        guard let elements = reader.array(key, required: required, maxCount: ValidationLimits.maxVariables) else {
            return reader.has(key) || required ? nil : []
        }
        var variables: [ConnectionVariable] = []
        var seen = Set<String>()
        for element in elements {
            guard var variableReader = ObjectReader(element.value, at: element.path, issues: reader.issues) else {
                continue
            }
            let name = variableReader.string("name")
            let value = variableReader.string("value", allowEmpty: true)
            variableReader.finish()
            guard let name, let value else { continue }
            if !seen.insert(name).inserted {
                reader.issues.report(variableReader.pathOf("name"), "duplicates another variable's name")
            }
            variables.append(ConnectionVariable(name: name, value: value))
        }
        return variables
    }
}
