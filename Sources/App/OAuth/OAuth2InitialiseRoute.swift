import Cryptography
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// `POST /embed/{hub_id}/connector/{connector_id}/oauth2/initialise` (InitialiseOAuth2EmbeddedConnection): stores a
/// single-use `state` bound to everything the callback needs, and answers the provider's authorize URL.
enum OAuth2InitialiseRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        guard let publicBaseURL = context.configuration.publicBaseURL else {
            throw APIError(.publicBaseURLUnset, "PUBLIC_BASE_URL is not set, so this server has no redirect_uri to offer")
        }
        let json = JSONValue.object(try request.jsonObjectBody())
        let body = try APIError.decoding { () throws(ValidationFailure) in
            try OAuth2InitialiseRequest.decode(json, decodeParameters: QueryString.decode)
        }
        let lookup = try endUserLookup(request, body: body, principal: principal)
        let organisationID = principal.organisationID
        let hubID = request.parameters["hub_id"] ?? "", connectorID = request.parameters["connector_id"] ?? ""
        let verifier = OAuth2AuthorizeURL.randomToken(), state = OAuth2AuthorizeURL.randomToken()
        let authorize = OAuth2AuthorizeURL(
            request: body, redirectURI: publicBaseURL + OAuth2CallbackRoute.path, state: state, codeVerifier: verifier)
        if let conflict = authorize.conflictingParameter {
            throw APIError.validation([.init(
                field: "additionalParams", message: "may not set \(conflict): the request sets it already")])
        }
        let found = try await context.database.withConnection { connection in
            let user = try await EndUserResolution.read(
                organisationID: organisationID, hubID: hubID, endUser: lookup, on: connection
            ).require(principal)
            let connector = try await connection.query("""
                SELECT name FROM connectors WHERE id = \(connectorID) AND organisation_id = \(organisationID)
                """).rows.first
            guard let connector else { throw APIError.notFound(.connectorNotFound, "connector") }
            let client = try await OAuth2ClientChoice.read(
                body, connectorID: connectorID, principal: principal, on: connection)
            return (user: user, connectorName: try connector.string("name"), client: client)
        }
        let stateHash = OAuth2AuthorizeURL.stateHash(state)
        let sealedVerifier = try context.keyRing.seal(
            Array(verifier.utf8), associatedData: OAuth2StateStore.associatedData(organisationID: organisationID, stateHash: stateHash))
        let pending = OAuth2StateStore.Pending(
            stateHash: stateHash, organisationID: organisationID, hubID: hubID, connectorID: connectorID,
            endUserID: found.user.id, clientCredentialID: found.client, sealedVerifier: sealedVerifier,
            redirectURI: authorize.redirectURI, returnURL: body.returnUrl,
            connectionName: body.connectionName ?? found.connectorName, scopes: authorize.scopes)
        try await OAuth2StateStore.insert(pending, lifetimeSeconds: context.configuration.oauthStateTTLSeconds, database: context.database)
        return .json(.ok, ["url": .string(authorize.url)])
    }

    /// The end user: an end-user token's own (a body `userId` must be it); with an API key the body's `userId`,
    /// read as `identifier_type` says (default external).
    private static func endUserLookup(
        _ request: Request, body: OAuth2InitialiseRequest, principal: Principal
    ) throws(APIError) -> EndUserLookup {
        if case .endUser(_, let externalID, _) = principal {
            if let userId = body.userId, request.queryValue("identifier_type") != "internal" {
                try EndUserScope.check(principal, owns: userId)
            }
            return .external(externalID)
        }
        guard let userId = body.userId, !userId.isEmpty else {
            throw APIError.validation([.init(field: "userId", message: "is required with an API key: it names the end user")])
        }
        var routed = request
        routed.parameters["user_id"] = userId
        return try EndUserLookup.from(routed)
    }
}

/// Which oauth2-client credential an initialise call may name (the contract's "Decided details"): with an API
/// key any of the organisation's; with an end-user token only one its connector designates (the
/// `grant.credentialId` of one of its oauth2 `authorization_code` schemes). Its `clientId` must be the body's.
enum OAuth2ClientChoice {
    static func read(
        _ body: OAuth2InitialiseRequest, connectorID: String, principal: Principal, on connection: PGConnection
    ) async throws -> String {
        let organisationID = principal.organisationID
        let credentialID = body.credentialId.string
        guard body.credentialOrganisationId.string == organisationID else {
            throw APIError(.credentialNotFound, "credential not found", fields: [.init(
                field: "credential.organisationId", message: "names another organisation; only its own credentials are used")])
        }
        let row = try await connection.query("""
            SELECT cr.type, cr.public_data->>'clientId' AS client_id,
                   EXISTS (SELECT 1 FROM connectors k, jsonb_array_elements(k.auth_scheme_configs) s
                           WHERE k.id = \(connectorID) AND k.organisation_id = cr.organisation_id
                             AND s->>'schemeType' = 'oauth2' AND s->'grant'->>'grantType' = 'authorization_code'
                             AND s->'grant'->>'credentialId' = cr.id) AS designated
            FROM credentials cr WHERE cr.id = \(credentialID) AND cr.organisation_id = \(organisationID)
            """).rows.first
        guard let row else {
            throw APIError(.credentialNotFound, "credential not found", fields: [.init(
                field: "credential.id", message: "no credential with this id in the organisation")])
        }
        guard try row.string("type") == CredentialType.oauth2Client.rawValue else {
            throw APIError.validation([.init(field: "credential.id", message: "must name an oauth2-client credential")])
        }
        if EndUserScope.isEndUser(principal), !(try row.bool("designated")) {
            throw APIError(.oauthClientNotUsable, "this token may use only the client credential its connector designates",
                fields: [.init(field: "credential.id", message: "is not the grant.credentialId of an oauth2 scheme of this connector")])
        }
        guard let stored = try row.optionalString("client_id"), stored.hasSameBytes(as: body.clientId) else {
            throw APIError(.oauthClientMismatch, "clientId is not the client id stored in the named credential",
                fields: [.init(field: "clientId", message: "must equal the clientId of credential.id")])
        }
        return credentialID
    }
}
