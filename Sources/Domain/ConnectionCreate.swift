import JSON

/// A credential bound to a connection: a new one (validated and split for storage) or a reference to an
/// existing credential of the same organisation, `{"id": ULID}`.
public enum CredentialInput: Sendable, Equatable {
    case new(ValidatedCredential)
    case reference(ULID)
}

/// One entry of `credentials.action` or `credentials.trigger`.
public struct ConnectionCredentialInput: Sendable, Equatable {
    public var authSchemeConfig: AuthSchemeConfig
    public var credential: CredentialInput
    /// Path of the entry, e.g. `connection.credentials.action[0]`, for the errors App finds later (a referenced
    /// credential that is missing or of the wrong type, an oauth2 client it cannot use).
    public var field: String

    public init(authSchemeConfig: AuthSchemeConfig, credential: CredentialInput, field: String) {
        self.authSchemeConfig = authSchemeConfig
        self.credential = credential
        self.field = field
    }

    /// Path of the entry's `credential`.
    public var credentialField: String { FieldPath.member(field, "credential") }

    /// For a referenced credential once App knows its type: the issue when the type does not fit the scheme.
    public func referencedTypeIssue(_ type: CredentialType) -> ValidationIssue? {
        authSchemeConfig.compatibilityIssue(for: type, at: credentialField)
    }
}

/// The reference's `ConnectionCreate`: `name`, `variables` (may be omitted), `credentials.action|trigger`.
public struct ConnectionCreate: Sendable, Equatable {
    public var name: String
    public var variables: [ConnectionVariable]
    public var action: [ConnectionCredentialInput]
    public var trigger: [ConnectionCredentialInput]

    public init(
        name: String, variables: [ConnectionVariable], action: [ConnectionCredentialInput],
        trigger: [ConnectionCredentialInput]
    ) {
        self.name = name
        self.variables = variables
        self.action = action
        self.trigger = trigger
    }

    /// Every entry, action first (without building a joined array).
    public func forEachEntry<Failure: Error>(
        _ body: (ConnectionCredentialInput) throws(Failure) -> Void
    ) throws(Failure) {
        for entry in action { try body(entry) }
        for entry in trigger { try body(entry) }
    }

    /// Decodes and validates a `ConnectionCreate` found at `path`; throws every issue.
    public static func decode(
        _ value: JSONValue, at path: String, keyMaterial: any KeyMaterialChecking
    ) throws(ValidationFailure) -> ConnectionCreate {
        let issues = IssueCollector()
        let connection = decode(value, at: path, issues: issues, keyMaterial: keyMaterial)
        try issues.throwIfAny()
        guard let connection else { throw ValidationFailure(issues: [ValidationIssue(field: path, message: "is invalid")]) }
        return connection
    }

    /// `ignoring`: members the enclosing body reads itself (an activation entry's `templateId`).
    static func decode(
        _ value: JSONValue?, at path: String, issues: IssueCollector, keyMaterial: any KeyMaterialChecking,
        ignoring: Set<String> = []
    ) -> ConnectionCreate? {
        guard var reader = ObjectReader(value, at: path, issues: issues, ignoring: ignoring) else { return nil }
        defer { reader.finish() }
        let name = reader.string("name")
        let variables = ConnectionVariable.decodeList(&reader, key: "variables", required: false)
        let decoder = ConnectionCredentialDecoder(issues: issues, keyMaterial: keyMaterial)
        let credentials = decoder.decodeCredentials(reader.value("credentials", required: false),
            at: reader.pathOf("credentials"))
        guard let name, let variables, let credentials else { return nil }
        return ConnectionCreate(name: name, variables: variables, action: credentials.action, trigger: credentials.trigger)
    }
}
