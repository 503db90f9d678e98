import JSON

/// Body of `POST /hubs/{hub_id}/integrations` (`IntegrationCreate`), with `imageUrl` and `screenshotUrl` beyond
/// the reference. `variablesSchema` is only checked to be an object here: App compiles it (`JSONSchema`) and
/// answers its own code for a schema it cannot enforce.
public struct IntegrationCreate: Sendable, Equatable {
    public var organisationId: ULID
    public var name: String
    public var description: String
    public var summary: String
    public var imageUrl: String?
    public var screenshotUrl: String?
    public var variablesSchema: JSONValue?
    public var connectionTemplate: HubConnectionTemplateCreate?

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let organisationId = reader.ulid("organisationId")
            let name = reader.string("name")
            let description = reader.string("description", required: false, allowEmpty: true) ?? ""
            let summary = reader.string("summary", required: false, allowEmpty: true) ?? ""
            let imageUrl = reader.absoluteURI("imageUrl")
            let screenshotUrl = reader.absoluteURI("screenshotUrl")
            let schema = reader.schemaObject("variablesSchema")
            var template: HubConnectionTemplateCreate?
            if let value = reader.value("connectionTemplate", required: false) {
                template = HubConnectionTemplateCreate.decode(value, at: reader.pathOf("connectionTemplate"), issues: reader.issues)
            }
            guard let organisationId, let name else { return nil }
            return Self(
                organisationId: organisationId, name: name, description: description, summary: summary,
                imageUrl: imageUrl, screenshotUrl: screenshotUrl, variablesSchema: schema, connectionTemplate: template)
        }
    }
}

/// Body of `PATCH /integrations/{integration_id}` (`UpdateIntegration`, with `summary`, `screenshotUrl` and the
/// extension `isDeployed`). Absent members are left unchanged; `"variablesSchema": null` removes the schema.
/// `boardId` is refused: the integrator's runtime finds the integration's workflow by it.
public struct IntegrationUpdate: Sendable, Equatable {
    public enum SchemaChange: Sendable, Equatable {
        case unchanged, cleared
        case replaced(JSONValue)
    }

    public var name: String?
    public var description: String?
    public var summary: String?
    public var imageUrl: String?
    public var screenshotUrl: String?
    public var variablesSchema: SchemaChange
    public var isDeployed: Bool?

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            if reader.object["boardId"] != nil {
                _ = reader.value("boardId", required: false)
                reader.issues.report(reader.pathOf("boardId"), "is assigned by the server and cannot be changed")
            }
            let clearsSchema = reader.object["variablesSchema"]?.isNull == true
            let schema = reader.schemaObject("variablesSchema")
            return Self(
                name: reader.string("name", required: false),
                description: reader.string("description", required: false, allowEmpty: true),
                summary: reader.string("summary", required: false, allowEmpty: true),
                imageUrl: reader.absoluteURI("imageUrl"), screenshotUrl: reader.absoluteURI("screenshotUrl"),
                variablesSchema: clearsSchema ? .cleared : schema.map(SchemaChange.replaced) ?? .unchanged,
                isDeployed: reader.bool("isDeployed"))
        }
    }
}

/// `HubConnectionTemplateCreate`: the connector a template wraps and the AuthSchemeConfig end users fill in,
/// validated as a hub's or a connector's is.
public struct HubConnectionTemplateCreate: Sendable, Equatable {
    public var connectorId: ULID
    public var authSchemeConfig: AuthSchemeConfig

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        let issues = IssueCollector()
        let template = decode(body, at: "", issues: issues)
        try issues.throwIfAny()
        guard let template else { throw ValidationFailure(issues: [ValidationIssue(field: "", message: "is invalid")]) }
        return template
    }

    static func decode(_ value: JSONValue, at path: String, issues: IssueCollector) -> Self? {
        guard var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
        defer { reader.finish() }
        let connectorId = reader.ulid("connectorId")
        let scheme = AuthSchemeConfig.decode(
            reader.value("authSchemeConfig", required: false), at: reader.pathOf("authSchemeConfig"), issues: issues)
        guard let connectorId, let scheme else { return nil }
        return Self(connectorId: connectorId, authSchemeConfig: scheme)
    }
}

/// Body of `PUT /integrations/{integration_id}/metadata` (`IntegrationMetadata`): the whole list of templates the
/// integration uses; absent means none.
public struct IntegrationMetadata: Sendable, Equatable {
    public static let maxTemplates = 100

    public var usedConnectionTemplates: [ULID]

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let elements = reader.array("usedConnectionTemplates", required: false, maxCount: maxTemplates) ?? []
            var ids: [ULID] = []
            for element in elements {
                guard let text = element.value.stringValue, let id = ULID(text) else {
                    reader.issues.report(element.path, "must be a ULID (26 Crockford base32 characters)")
                    continue
                }
                ids.append(id)
            }
            return Self(usedConnectionTemplates: ids)
        }
    }
}

extension ObjectReader {
    /// An optional absolute URI (RFC 3986 `URI`: a scheme, then the rest), as `format: uri` means.
    mutating func absoluteURI(_ key: String) -> String? {
        guard let text = string(key, required: false) else { return nil }
        guard URIGrammar.isURI(Array(text.utf8)) else {
            issues.report(pathOf(key), "must be an absolute URI, such as https://example.com/logo.png")
            return nil
        }
        return text
    }

    /// An optional JSON Schema given as an object (the reference's `type: object`); `null` counts as absent.
    mutating func schemaObject(_ key: String) -> JSONValue? {
        guard let value = value(key, required: false) else { return nil }
        guard case .object = value else {
            issues.report(pathOf(key), "must be a JSON Schema object, not \(value.typeName)")
            return nil
        }
        return value
    }
}
