import Domain

extension ConnectionCreation {
    /// Ids, sealed secrets and exchanged codes for every binding; `principal` is who may spend a client
    /// credential a grant names (`OAuthClientResolution`).
    func makeBindings(
        _ draft: ConnectionDraft, checked: CreationChecks.Result, organisationID: String, principal: Principal
    ) async throws -> (bindings: [StoredBinding], newCredentials: [NewCredential]) {
        var bindings: [StoredBinding] = []
        var newCredentials: [NewCredential] = []
        for binding in draft.bindings {
            let credential: StoredCredentialSummary
            switch binding.credential {
            case .existing(let id):
                guard let summary = checked.referenced[id] else { throw APIError.notFound(.credentialNotFound, "credential") }
                credential = summary
            case .new(let new):
                newCredentials.append(try seal(new, organisationID: organisationID))
                credential = newCredentials[newCredentials.count - 1].summary
            case .oauthCode(let name, let exchange):
                let caller = OAuthClientResolution.Caller(
                    principal: principal, connectorID: checked.connectorID, endUserID: checked.endUser?.id)
                let request = try await OAuthClientResolution.resolve(
                    exchange, fieldPath: binding.fieldPath, caller: caller, vault: vault, database: context.database)
                let token = try await exchanger.exchange(request)
                let new = try DomainAdapter.exchangedToken(name: name, data: token, context: context)
                newCredentials.append(try seal(new, organisationID: organisationID))
                credential = newCredentials[newCredentials.count - 1].summary
            }
            bindings.append(StoredBinding(
                id: ULID.generate().string, usage: binding.usage, position: binding.position,
                authSchemeConfig: binding.authSchemeConfig, validationMessages: binding.validationMessages,
                credential: credential))
        }
        return (bindings, newCredentials)
    }

    func seal(_ draft: NewCredentialDraft, organisationID: String) throws -> NewCredential {
        let id = ULID.generate().string
        let sealed = try vault.seal(draft.secretData, organisationID: organisationID, credentialID: id)
        return NewCredential(
            summary: StoredCredentialSummary(
                id: id, name: draft.name, type: draft.type, publicData: draft.publicData, errors: draft.errors),
            sealed: sealed)
    }
}
