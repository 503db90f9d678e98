import Domain
import HTTP1
import HTTPServer
import Postgres

/// API keys and end-user JWTs, checked against the database. A confirmed API key is remembered in `apiKeys`,
/// which forgets everything the moment PostgreSQL notifies a change to `api_keys` (see `APIKeyCache`), so a
/// revocation still takes effect at once; signing keys are read on every request.
struct DatabaseAuthenticator: Authenticating {
    let database: DatabasePool
    /// Inert (every key is looked up) until something runs `AppContext.listenForAPIKeyChanges`, e.g. in the CLI.
    let apiKeys: APIKeyCache
    let clockSkewSeconds: Int
    /// Seconds since the Unix epoch; injectable so expiry can be tested without waiting.
    var now: @Sendable () -> Double = { Double(Timestamp.now().microsecondsSinceEpoch) / 1_000_000 }

    func authenticate(_ request: Request) async throws -> Principal {
        switch Self.credential(of: request) {
        case nil:
            throw AuthenticationFailure.missing
        case .bearer(let key):
            return try await organisation(forAPIKey: key)
        case .jwt(let token):
            return try await endUser(forToken: token)
        }
    }

    /// The same checks as `authenticate` up to the first that needs the database.
    func screen(_ request: Request) -> CredentialScreening {
        switch Self.credential(of: request) {
        case nil:
            return .refused(AuthenticationFailure.missing)
        case .bearer(let key):
            guard APIKeys.isWellFormed(key) else { return .refused(AuthenticationFailure.invalidAPIKey) }
            return apiKeys.entry(for: APIKeys.hash(key)) == nil ? .needsLookup : .confirmed
        case .jwt(let token):
            do {
                _ = try EndUserToken(parsing: token)
            } catch {
                return .refused(error)
            }
            return .needsLookup
        }
    }

    /// The one `Authorization` field's credential; nil when absent, unreadable, or repeated (two fields are
    /// ambiguous: refused rather than one picked).
    private static func credential(of request: Request) -> AuthorizationHeader? {
        let fields = request.headers.values(for: "Authorization")
        return fields.count == 1 ? AuthorizationHeader.parse(fields[0]) : nil
    }

    private func organisation(forAPIKey key: String) async throws -> Principal {
        guard APIKeys.isWellFormed(key) else { throw AuthenticationFailure.invalidAPIKey }
        let hash = APIKeys.hash(key)
        if let known = apiKeys.entry(for: hash) {
            return .organisation(organisationID: known.organisationID, apiKeyID: known.keyID, scopes: known.scopes)
        }
        let ticket = apiKeys.ticket()
        let found = try await database.withConnection { connection in
            try await connection.query("""
                SELECT id, organisation_id, to_jsonb(scopes) AS scopes FROM api_keys
                WHERE key_hash = \(hash) AND revoked_at IS NULL
                """).rows.first.map(Self.entry)
        }
        guard let found else { throw AuthenticationFailure.invalidAPIKey }
        if let ticket { apiKeys.remember(found, for: hash, ticket: ticket) }
        return .organisation(organisationID: found.organisationID, apiKeyID: found.keyID, scopes: found.scopes)
    }

    private static func entry(_ row: Row) throws -> APIKeyCache.Entry {
        guard let scopes = APIKeyScope.parse(try row.stringArray("scopes")) else {
            throw InvariantViolation("column scopes holds a scope this build does not know")
        }
        return APIKeyCache.Entry(keyID: try row.string("id"), organisationID: try row.string("organisation_id"), scopes: scopes)
    }

    private func endUser(forToken text: String) async throws -> Principal {
        let token = try EndUserToken(parsing: text)
        let keyID = token.signingKeyID
        let key = try await database.withConnection { connection in
            try await connection.query("""
                SELECT organisation_id, public_key_pem FROM signing_keys WHERE id = \(keyID)
                """).rows.first.map { (try $0.string("organisation_id"), try $0.string("public_key_pem")) }
        }
        guard let (organisationID, publicKeyPEM) = key else {
            throw AuthenticationFailure.invalidToken("the token's signing key is unknown or was deleted")
        }
        let (now, skew) = (now(), clockSkewSeconds)
        // An RSA verification: off the event loop, like every CPU-heavy step of a request.
        try await OffLoopWork.run { try token.verify(publicKeyPEM: publicKeyPEM, now: now, skew: skew) }
        return .endUser(organisationID: organisationID, externalID: token.subject, signingKeyID: keyID)
    }
}
