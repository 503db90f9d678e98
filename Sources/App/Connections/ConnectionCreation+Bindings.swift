import Domain
import JSON

extension ConnectionCreation {
    /// Ids, sealed secrets and exchanged codes for every entry, action first; `principal` is who may spend a
    /// client credential a grant names (`OAuthClientResolution`). Each scheme is rendered once, by Domain's
    /// encoder (without secrets), for both the statement and the answer. A grant's client secret goes into an
    /// oauth2-client credential made or patched by the same statement (`GrantClientStorage`).
    func makeBindings(
        _ connection: ConnectionCreate, checked: CreationChecks.Result, organisationID: String, principal: Principal
    ) async throws -> (bindings: [StoredBinding], newCredentials: [NewCredential], patchedCredentials: [NewCredential]) {
        var bindings: [StoredBinding] = []
        var credentials = (new: [NewCredential](), patched: [NewCredential]())
        for (position, entry) in connection.action.enumerated() {
            bindings.append(try await makeBinding(
                entry, usage: .action, position: position, connectionName: connection.name, checked: checked,
                organisationID: organisationID, principal: principal, credentials: &credentials))
        }
        for (position, entry) in connection.trigger.enumerated() {
            bindings.append(try await makeBinding(
                entry, usage: .trigger, position: position, connectionName: connection.name, checked: checked,
                organisationID: organisationID, principal: principal, credentials: &credentials))
        }
        return (bindings, credentials.new, credentials.patched)
    }

    private func makeBinding(
        _ entry: ConnectionCredentialInput, usage: BindingUsage, position: Int, connectionName: String,
        checked: CreationChecks.Result, organisationID: String, principal: Principal,
        credentials: inout (new: [NewCredential], patched: [NewCredential])
    ) async throws -> StoredBinding {
        // Before any exchange, so a refused grant never spends an authorization code.
        let grantClient = try await GrantClientStorage.store(
            entry, connectionName: connectionName,
            caller: OAuthClientResolution.Caller(
                principal: principal, connectorID: checked.connectorID, endUserID: checked.endUser?.id),
            organisationID: organisationID, context: context, vault: vault)
        credentials.new += grantClient.created.map { [$0] } ?? []
        credentials.patched += grantClient.patched.map { [$0] } ?? []
        let credential: StoredCredentialSummary
        switch entry.credential {
        case .reference(let id):
            guard let summary = checked.referenced[id.string] else { throw APIError.notFound(.credentialNotFound, "credential") }
            credential = summary
        case .new(let validated):
            let stored: ValidatedCredential
            switch validated.disposition {
            case .store:
                stored = validated
            case .needsCodeExchange(let code, let state):
                stored = try await exchange(
                    entry, name: validated.name, code: code, state: state, connectorID: checked.connectorID,
                    endUserID: checked.endUser?.id, organisationID: organisationID, principal: principal)
            }
            credentials.new.append(try seal(stored, organisationID: organisationID))
            credential = credentials.new[credentials.new.count - 1].summary
        }
        // Stored and returned without secrets: an oauth2 grant's clientSecret is written as "".
        guard case .object(let scheme) = grantClient.scheme.jsonValue() else { preconditionFailure("a scheme is an object") }
        return StoredBinding(
            id: ULID.generate().string, usage: usage, position: position, authSchemeConfig: scheme,
            validationMessages: [], credential: credential)
    }

    /// An oauth2-code exchanged at the entry's token endpoint (after its grant's client is resolved); the token
    /// it returns is validated like a client-sent oauth2-token, and stored in its place.
    private func exchange(
        _ entry: ConnectionCredentialInput, name: String, code: SecretString, state: String, connectorID: String,
        endUserID: String?, organisationID: String, principal: Principal
    ) async throws -> ValidatedCredential {
        let caller = OAuthClientResolution.Caller(principal: principal, connectorID: connectorID, endUserID: endUserID)
        let request = try await OAuthClientResolution.resolve(
            OAuthCodeExchangeRequest(code: code, state: state, scheme: entry.authSchemeConfig, organisationID: organisationID),
            fieldPath: entry.field, caller: caller, vault: vault, database: context.database)
        let token = try await exchanger.exchange(request)
        let keyMaterial = context.keyMaterial
        return try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(name: name, type: .oauth2Token, data: .object(token), keyMaterial: keyMaterial)
        }
    }

    func seal(_ credential: ValidatedCredential, organisationID: String) throws -> NewCredential {
        let id = ULID.generate().string
        let sealed = try vault.seal(credential.secretData, organisationID: organisationID, credentialID: id)
        return NewCredential(
            summary: StoredCredentialSummary(
                id: id, name: credential.name, type: credential.type.rawValue, publicData: credential.publicData,
                errors: credential.errors),
            sealed: sealed)
    }
}

extension OAuthCodeExchangeRequest {
    /// The exchange of `code` at `scheme`'s token endpoint, with the client its authorization_code grant names
    /// (inline, or by `credentialId` for `OAuthClientResolution` to open).
    init(code: SecretString, state: String, scheme: AuthSchemeConfig, organisationID: String) {
        var client: AuthSchemeConfig.OAuth2.GrantClient?
        if case .authorizationCode(let grantClient)? = scheme.oauth2?.grant { client = grantClient }
        self.init(
            organisationID: organisationID, tokenURL: scheme.oauth2?.tokenUrl ?? "", code: code.exposedValue,
            state: state, clientID: client?.clientId, clientSecret: client?.clientSecret?.exposedValue,
            clientCredentialID: client?.credentialId?.string, requestedScopes: scheme.oauth2?.defaultScopes ?? [],
            additionalTokenParams: scheme.oauth2?.additionalTokenParams)
    }
}
