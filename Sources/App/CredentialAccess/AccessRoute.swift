import Domain
import HTTP1
import HTTPServer
import JSON

/// `GET /hubs/{hub_id}/users/{user_id}/connections/{connection_id}/access`: for each binding, what a request
/// needs to authenticate as the end user. Computed first, recorded in the audit log, and only then answered.
struct AccessRoute: Sendable {
    let connections: UsableConnectionStore
    let audit: AuditLog
    let tokens: any AccessTokenSource

    func handle(_ request: Request, principal: Principal) async throws -> Response {
        guard case .organisation(let organisationID, let apiKeyID, _) = principal else {
            throw APIError(.scopeMissing, "an end-user token cannot use stored credentials")
        }
        let path = try EndUserPath(request, principal: principal)
        let connection = try await connections.load(path, connectionID: request.parameters["connection_id"] ?? "")
        let now = Timestamp.now()
        var answered: [JSONValue] = []
        for binding in connection.bindings {
            let token = try await oauthToken(binding, organisationID: organisationID, mustRenew: false, tokens: tokens)
            var entry = binding.reference
            entry["auth"] = .object(try await AuthMaterial.json(binding, token: token, now: now))
            answered.append(.object(entry))
        }
        try await audit.record(AuditLog.Event(
            organisationID: organisationID, apiKeyID: apiKeyID, connectionID: connection.connectionID,
            endUserID: connection.endUserID, bindings: connection.bindings.map(\.reference), requestID: request.id))
        let body: JSONValue = ["connectionId": .string(connection.connectionID), "bindings": .array(answered)]
        return .json(.ok, body, headers: ["Cache-Control": "no-store", "Pragma": "no-cache"])
    }
}

/// The binding's oauth2 access token from `tokens`; nil for every other scheme.
func oauthToken(
    _ binding: UsableBinding, organisationID: String, mustRenew: Bool, tokens: any AccessTokenSource
) async throws -> OAuthAccessToken? {
    guard let oauth2 = binding.config.oauth2 else { return nil }
    return try await tokens.accessToken(for: AccessTokenDemand(
        organisationID: organisationID, credentialID: binding.credentialID, credentialType: binding.credentialType,
        oauth2: oauth2, publicData: binding.publicData, secrets: binding.secrets, mustRenew: mustRenew))
}
