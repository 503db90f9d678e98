import JSON

/// Body of `POST /hubs/{hub_id}/users/{user_id}/connections`.
public struct CreateEndUserConnectionRequest: Sendable, Equatable {
    public var connectorId: ULID
    public var connection: ConnectionCreate

    public init(connectorId: ULID, connection: ConnectionCreate) {
        self.connectorId = connectorId
        self.connection = connection
    }

    public static func decode(_ body: JSONValue, keyMaterial: any KeyMaterialChecking) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let connectorId = reader.ulid("connectorId")
            let connection = ConnectionCreate.decode(reader.value("connection", required: false),
                at: reader.pathOf("connection"), issues: reader.issues, keyMaterial: keyMaterial)
            guard let connectorId, let connection else { return nil }
            return Self(connectorId: connectorId, connection: connection)
        }
    }
}

/// Body of `POST /hubs/{hub_id}/users` (`EndUserCreate`); the connection uses the hub's primary connector.
public struct EndUserCreate: Sendable, Equatable {
    public var externalId: String
    public var displayName: String?
    public var primaryConnection: ConnectionCreate

    public init(externalId: String, displayName: String?, primaryConnection: ConnectionCreate) {
        self.externalId = externalId
        self.displayName = displayName
        self.primaryConnection = primaryConnection
    }

    public static func decode(_ body: JSONValue, keyMaterial: any KeyMaterialChecking) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let externalId = reader.string("externalId")
            let displayName = reader.string("displayName", required: false, allowEmpty: true)
            let connection = ConnectionCreate.decode(reader.value("primaryConnection", required: false),
                at: reader.pathOf("primaryConnection"), issues: reader.issues, keyMaterial: keyMaterial)
            guard let externalId, let connection else { return nil }
            return Self(externalId: externalId, displayName: displayName, primaryConnection: connection)
        }
    }
}

/// Body of `POST /hubs` (`HubCreate`). `organisationId` is optional here: the caller's API key already names
/// the organisation, so App should reject a value that differs from it.
public struct HubCreate: Sendable, Equatable {
    public var organisationId: ULID?
    public var name: String
    public var primaryConnectorId: ULID
    public var authSchemeConfig: AuthSchemeConfig

    public init(organisationId: ULID?, name: String, primaryConnectorId: ULID, authSchemeConfig: AuthSchemeConfig) {
        self.organisationId = organisationId
        self.name = name
        self.primaryConnectorId = primaryConnectorId
        self.authSchemeConfig = authSchemeConfig
    }

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let organisationId = reader.ulid("organisationId", required: false)
            let name = reader.string("name")
            let connectorId = reader.ulid("primaryConnectorId")
            let scheme = AuthSchemeConfig.decode(reader.value("authSchemeConfig", required: false),
                at: reader.pathOf("authSchemeConfig"), issues: reader.issues)
            guard let name, let connectorId, let scheme else { return nil }
            return Self(organisationId: organisationId, name: name, primaryConnectorId: connectorId, authSchemeConfig: scheme)
        }
    }
}

/// Body of `PATCH /hubs/{hub_id}` (`HubUpdate`): absent members are left unchanged.
public struct HubUpdate: Sendable, Equatable {
    public var name: String?
    public var isDefault: Bool?

    public init(name: String?, isDefault: Bool?) {
        self.name = name
        self.isDefault = isDefault
    }

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            Self(name: reader.string("name", required: false), isDefault: reader.bool("isDefault"))
        }
    }
}

/// Runs `read` over a top-level object, then throws every issue (unknown members included).
func decodeBody<Value>(_ body: JSONValue, _ read: (inout ObjectReader) -> Value?) throws(ValidationFailure) -> Value {
    let issues = IssueCollector()
    var value: Value?
    if var reader = ObjectReader(body, at: "", issues: issues) {
        value = read(&reader)
        reader.finish()
    }
    try issues.throwIfAny()
    guard let value else { throw ValidationFailure(issues: [ValidationIssue(field: "", message: "is invalid")]) }
    return value
}
