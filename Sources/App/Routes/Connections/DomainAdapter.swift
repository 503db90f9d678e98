import Domain
import JSON

/// Maps Domain's request decoders onto the App's drafts: every validation issue becomes a 400002 field, every
/// scheme and credential becomes the JSON that is stored and returned.
enum DomainAdapter {
    /// Decodes CreateEndUserConnection's body; the key-material checks it needs run off the event loop.
    static func createConnectionBody(
        _ body: JSONObject, context: AppContext, organisationID: String
    ) async throws -> (connectorID: String, draft: ConnectionDraft) {
        try await checkingKeyMaterialOffLoop(context) { keyMaterial throws(APIError) in
            try createConnectionBody(body, keyMaterial: keyMaterial, organisationID: organisationID)
        }
    }

    /// Decodes CreateEndUser's body; the key-material checks it needs run off the event loop.
    static func endUserCreateBody(
        _ body: JSONObject, context: AppContext, organisationID: String
    ) async throws -> (externalID: String, displayName: String, draft: ConnectionDraft) {
        try await checkingKeyMaterialOffLoop(context) { keyMaterial throws(APIError) in
            let request = try APIError.decoding { () throws(ValidationFailure) in
                try EndUserCreate.decode(.object(body), keyMaterial: keyMaterial)
            }
            return (
                request.externalId, request.displayName ?? "",
                draft(request.primaryConnection, organisationID: organisationID)
            )
        }
    }

    /// CreateEndUserConnection's body decoded on the calling thread, with `keyMaterial`'s checks.
    static func createConnectionBody(
        _ body: JSONObject, keyMaterial: any KeyMaterialChecking, organisationID: String
    ) throws(APIError) -> (connectorID: String, draft: ConnectionDraft) {
        let request = try APIError.decoding { () throws(ValidationFailure) in
            try CreateEndUserConnectionRequest.decode(.object(body), keyMaterial: keyMaterial)
        }
        return (request.connectorId.string, draft(request.connection, organisationID: organisationID))
    }

    /// `decode` on the event loop with the key-material checks deferred (`KeyMaterialDemand`); a body that needs
    /// them is decoded again off the loop (`OffLoopWork`) with the real checks, whose answer stands.
    private static func checkingKeyMaterialOffLoop<Decoded: Sendable>(
        _ context: AppContext, _ decode: @escaping @Sendable (any KeyMaterialChecking) throws(APIError) -> Decoded
    ) async throws -> Decoded {
        let demand = KeyMaterialDemand()
        let onLoop = Result { () throws(APIError) in try decode(demand) }
        guard demand.wasAsked else { return try onLoop.get() }
        let keyMaterial = context.keyMaterial
        return try await OffLoopWork.run { try decode(keyMaterial) }
    }

    /// The oauth2-token data an exchange returned, validated like a client-sent oauth2-token.
    static func exchangedToken(name: String, data: JSONObject, context: AppContext) throws(APIError) -> NewCredentialDraft {
        let validated = try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(
                name: name, type: .oauth2Token, data: .object(data), keyMaterial: context.keyMaterial)
        }
        return NewCredentialDraft(validated)
    }

    private static func draft(_ connection: ConnectionCreate, organisationID: String) -> ConnectionDraft {
        let bindings = connection.action.enumerated().map { binding(.action, $0.offset, $0.element, organisationID) }
            + connection.trigger.enumerated().map { binding(.trigger, $0.offset, $0.element, organisationID) }
        return ConnectionDraft(
            name: connection.name, variables: .array(connection.variables.map(\.jsonValue)), bindings: bindings)
    }

    private static func binding(
        _ usage: BindingUsage, _ position: Int, _ input: ConnectionCredentialInput, _ organisationID: String
    ) -> BindingDraft {
        let scheme = input.authSchemeConfig
        // Stored and returned without secrets: an oauth2 grant's clientSecret is written as "".
        guard case .object(let schemeJSON) = scheme.jsonValue() else { preconditionFailure("a scheme is an object") }
        let suffix = ".credential"
        let fieldPath = input.credentialField.hasSuffix(suffix)
            ? String(input.credentialField.dropLast(suffix.count)) : input.credentialField
        return BindingDraft(
            usage: usage, position: position, fieldPath: fieldPath, authSchemeConfig: schemeJSON,
            validationMessages: [], acceptedCredentialTypes: scheme.acceptedCredentialTypes.map(\.rawValue),
            schemeLabel: scheme.label, credential: credential(input.credential, scheme: scheme, organisationID))
    }

    private static func credential(
        _ input: CredentialInput, scheme: AuthSchemeConfig, _ organisationID: String
    ) -> CredentialDraft {
        switch input {
        case .reference(let id):
            return .existing(id: id.string)
        case .new(let validated):
            switch validated.disposition {
            case .store:
                return .new(NewCredentialDraft(validated))
            case .needsCodeExchange(let code, let state):
                var client: AuthSchemeConfig.OAuth2.GrantClient?
                if case .authorizationCode(let grantClient)? = scheme.oauth2?.grant { client = grantClient }
                return .oauthCode(name: validated.name, exchange: OAuthCodeExchangeRequest(
                    organisationID: organisationID, tokenURL: scheme.oauth2?.tokenUrl ?? "", code: code.exposedValue,
                    state: state, clientID: client?.clientId, clientSecret: client?.clientSecret?.exposedValue,
                    clientCredentialID: client?.credentialId?.string, requestedScopes: scheme.oauth2?.defaultScopes ?? [],
                    additionalTokenParams: scheme.oauth2?.additionalTokenParams))
            }
        }
    }
}

extension NewCredentialDraft {
    init(_ validated: ValidatedCredential) {
        self.init(
            name: validated.name, type: validated.type.rawValue, publicData: validated.publicData,
            secretData: validated.secretData, errors: validated.errors)
    }
}
