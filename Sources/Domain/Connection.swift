import JSON

/// A stored credential as the API shows it (`Credential`): `publicData` already has every secret blanked.
public struct Credential: Sendable, Equatable {
    public var id: ULID
    public var organisationId: ULID
    public var name: String
    public var type: CredentialType
    public var publicData: JSONObject
    public var errors: [String]
    public var expiresAt: Timestamp?

    public init(
        id: ULID, organisationId: ULID, name: String, type: CredentialType, publicData: JSONObject,
        errors: [String] = [], expiresAt: Timestamp? = nil
    ) {
        self.id = id
        self.organisationId = organisationId
        self.name = name
        self.type = type
        self.publicData = publicData
        self.errors = errors
        self.expiresAt = expiresAt
    }

    public var jsonValue: JSONValue {
        var object = JSONObject([
            ("id", .string(id.string)), ("organisationId", .string(organisationId.string)), ("name", .string(name)),
            ("type", .string(type.rawValue)), ("data", .object(publicData)), ("errors", .array(errors.map(JSONValue.string))),
        ])
        object["expiresAt"] = expiresAt.map { .string($0.rfc3339) }
        return .object(object)
    }
}

/// One binding of a connection (`ConnectionCredential`).
public struct ConnectionCredential: Sendable, Equatable {
    public var id: ULID
    public var authSchemeConfig: AuthSchemeConfig
    public var validationMessages: [Message]
    public var credential: Credential

    public init(id: ULID, authSchemeConfig: AuthSchemeConfig, validationMessages: [Message] = [], credential: Credential) {
        self.id = id
        self.authSchemeConfig = authSchemeConfig
        self.validationMessages = validationMessages
        self.credential = credential
    }

    public var jsonValue: JSONValue {
        [
            "id": .string(id.string), "authSchemeConfig": authSchemeConfig.jsonValue(validationMessages: validationMessages),
            "credential": credential.jsonValue,
        ]
    }
}

/// A connection as the API returns it (`Connection`).
public struct Connection: Sendable, Equatable {
    public var id: ULID
    public var name: String
    public var variables: [ConnectionVariable]
    public var action: [ConnectionCredential]
    public var trigger: [ConnectionCredential]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: ULID, name: String, variables: [ConnectionVariable], action: [ConnectionCredential],
        trigger: [ConnectionCredential], createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.name = name
        self.variables = variables
        self.action = action
        self.trigger = trigger
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var jsonValue: JSONValue {
        [
            "id": .string(id.string), "name": .string(name),
            "credentials": ["action": .array(action.map(\.jsonValue)), "trigger": .array(trigger.map(\.jsonValue))],
            "variables": .array(variables.map(\.jsonValue)),
            "createdAt": .string(createdAt.rfc3339), "updatedAt": .string(updatedAt.rfc3339),
        ]
    }
}
