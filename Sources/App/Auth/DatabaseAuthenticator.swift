import Domain
import HTTP1
import HTTPServer
import Postgres

/// API keys and end-user JWTs, checked against the database on every request. Nothing is cached, so revoking a
/// key or deleting a signing key takes effect on the very next request.
struct DatabaseAuthenticator: Authenticating {
    let database: DatabasePool
    let clockSkewSeconds: Int
    /// Seconds since the Unix epoch; injectable so expiry can be tested without waiting.
    var now: @Sendable () -> Double = { Double(Timestamp.now().microsecondsSinceEpoch) / 1_000_000 }

    func authenticate(_ request: Request) async throws -> Principal {
        // Two Authorization fields are ambiguous: refuse rather than pick one.
        let fields = request.headers.values(for: "Authorization")
        switch fields.count == 1 ? AuthorizationHeader.parse(fields[0]) : nil {
        case nil:
            throw AuthenticationFailure.missing
        case .bearer(let key):
            return try await organisation(forAPIKey: key)
        case .jwt(let token):
            return try await endUser(forToken: token)
        }
    }

    private func organisation(forAPIKey key: String) async throws -> Principal {
        guard APIKeys.isWellFormed(key) else { throw AuthenticationFailure.invalidAPIKey }
        let hash = APIKeys.hash(key)
        let found = try await database.withConnection { connection in
            try await connection.query("""
                SELECT id, organisation_id FROM api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL
                """).rows.first.map { (try $0.string("id"), try $0.string("organisation_id")) }
        }
        guard let (keyID, organisationID) = found else { throw AuthenticationFailure.invalidAPIKey }
        return .organisation(organisationID: organisationID, apiKeyID: keyID)
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
        try token.verify(publicKeyPEM: publicKeyPEM, now: now(), skew: clockSkewSeconds)
        return .endUser(organisationID: organisationID, externalID: token.subject, signingKeyID: keyID)
    }
}
