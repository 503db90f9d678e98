import JSON

/// Body of `POST /activations` (`ActivationCreate`): who activates which integration, one connection entry per
/// used template (an existing connection or a new one, decoded under CreateEndUserConnection's rules at its own
/// path, `connections[2].credentials.action[0]…`), and the dynamic variables. Which templates are used and
/// whether the variables fit the integration's schema need the database: App checks them.
public struct ActivationCreate: Sendable {
    public static let maxConnections = 50

    public enum Entry: Sendable {
        case existing(templateID: ULID, connectionID: ULID, field: String)
        case new(templateID: ULID, connection: ConnectionCreate, field: String)

        public var templateID: ULID {
            switch self {
            case .existing(let id, _, _), .new(let id, _, _): id
            }
        }

        /// The entry's path, `connections[i]`.
        public var field: String {
            switch self {
            case .existing(_, _, let field), .new(_, _, let field): field
            }
        }
    }

    public var userId: String
    public var integrationId: ULID
    public var connections: [Entry]
    /// An object, or nil when the body has none (the schema's defaults, if any, fill it in).
    public var dynamicVariables: JSONObject?

    public static func decode(_ body: JSONValue, keyMaterial: any KeyMaterialChecking) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let userId = reader.string("userId")
            let integrationId = reader.ulid("integrationId")
            let elements = reader.array("connections", maxCount: maxConnections)
            let entries = elements?.map { decodeEntry($0.value, at: $0.path, issues: reader.issues, keyMaterial: keyMaterial) }
            let variables = DynamicVariables.decodeMember(&reader, required: false)
            guard let userId, let integrationId, let entries, variables.valid else { return nil }
            let decoded = entries.compactMap { $0 }
            guard decoded.count == entries.count else { return nil }
            return Self(userId: userId, integrationId: integrationId, connections: decoded, dynamicVariables: variables.object)
        }
    }

    /// `{templateId, connectionId}` (exactly these) for an existing connection, otherwise a new connection: a
    /// `ConnectionCreate` with `templateId` beside its members.
    private static func decodeEntry(
        _ value: JSONValue, at path: String, issues: IssueCollector, keyMaterial: any KeyMaterialChecking
    ) -> Entry? {
        guard case .object(let object) = value else {
            issues.report(path, "must be an object, not \(value.typeName)")
            return nil
        }
        if object["connectionId"] != nil {
            guard var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
            defer { reader.finish() }
            guard let template = reader.ulid("templateId"), let connection = reader.ulid("connectionId") else { return nil }
            return .existing(templateID: template, connectionID: connection, field: path)
        }
        // Reads only `templateId`; `ConnectionCreate` reads (and checks for unknown members) the rest.
        var templateReader = ObjectReader(value, at: path, issues: issues)
        let template = templateReader?.ulid("templateId")
        let connection = ConnectionCreate.decode(
            value, at: path, issues: issues, keyMaterial: keyMaterial, ignoring: ["templateId"])
        guard let template, let connection else { return nil }
        return .new(templateID: template, connection: connection, field: path)
    }
}

/// The `dynamicVariables` of an activation: any JSON object, checked against the integration's schema by App.
public enum DynamicVariables {
    public static let field = "dynamicVariables"

    /// Body of `PUT /activations/{id}/variables`: `{"dynamicVariables": {...}}`, nothing else.
    public static func decodeUpdate(_ body: JSONValue) throws(ValidationFailure) -> JSONObject {
        try decodeBody(body) { reader in
            let variables = decodeMember(&reader, required: true)
            return variables.object
        }
    }

    /// The `dynamicVariables` member: absent (when not required) or an object; anything else is reported at
    /// `dynamicVariables`.
    static func decodeMember(_ reader: inout ObjectReader, required: Bool) -> (object: JSONObject?, valid: Bool) {
        guard let value = reader.value(field, required: required) else { return (nil, !required) }
        guard case .object(let object) = value else {
            reader.issues.report(reader.pathOf(field), "must be an object, not \(value.typeName)")
            return (nil, false)
        }
        return (object, true)
    }
}
