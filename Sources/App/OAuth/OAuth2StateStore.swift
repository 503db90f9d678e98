import Domain
import JSON
import Postgres

/// The `oauth2_states` rows behind InitialiseOAuth2EmbeddedConnection and `GET /oauth2/callback`.
enum OAuth2StateStore {
    /// A pending authorization, as initialise stores it.
    struct Pending: Sendable {
        var stateHash: [UInt8]
        var organisationID: String
        var hubID: String
        var connectorID: String
        var endUserID: String
        var clientCredentialID: String
        var sealedVerifier: [UInt8]
        var redirectURI: String
        var returnURL: String?
        var connectionName: String
        var scopes: [String]
    }

    /// What a callback's claim found.
    enum Claim: Sendable {
        /// No row has this state's hash (never issued, or purged after expiry).
        case unknown
        /// Spent by an earlier callback, or past its lifetime; `returnURL` is where to say so.
        case used(returnURL: String?)
        case expired(returnURL: String?)
        /// Spent now, by this callback.
        case claimed(Pending)
    }

    /// Binds the sealed verifier to its organisation and state, so a blob copied onto another row does not open.
    static func associatedData(organisationID: String, stateHash: [UInt8]) -> [UInt8] {
        Array("oauth2-state:v1|\(organisationID)|\(Hex.encode(stateHash))".utf8)
    }

    static func insert(_ pending: Pending, lifetimeSeconds: Int, database: DatabasePool) async throws {
        _ = try await database.withConnection { connection in
            try await connection.query("""
                INSERT INTO oauth2_states (state_hash, organisation_id, hub_id, connector_id, end_user_id,
                                           client_credential_id, sealed_verifier, redirect_uri, return_url,
                                           connection_name, scopes, expires_at)
                VALUES (decode(\(Hex.encode(pending.stateHash)), 'hex'), \(pending.organisationID), \(pending.hubID),
                        \(pending.connectorID), \(pending.endUserID), \(pending.clientCredentialID),
                        decode(\(Hex.encode(pending.sealedVerifier)), 'hex'), \(pending.redirectURI), \(pending.returnURL),
                        \(pending.connectionName), \(JSONValue.strings(pending.scopes).jsonText)::jsonb,
                        now() + make_interval(secs => \(lifetimeSeconds)))
                """)
        }
    }

    /// Spends the state in one statement: of two callbacks racing with it, exactly one gets `.claimed` (the row
    /// lock orders them; the second sees `used_at`). Also forgets rows that expired a day ago.
    static func claim(state: String, database: DatabasePool) async throws -> Claim {
        let hash = Hex.encode(OAuth2AuthorizeURL.stateHash(state))
        let row = try await database.withConnection { connection in
            _ = try await connection.query("DELETE FROM oauth2_states WHERE expires_at < now() - interval '1 day'")
            return try await connection.query("""
                WITH prior AS (
                    SELECT state_hash, used_at IS NOT NULL AS was_used, expires_at <= now() AS was_expired
                    FROM oauth2_states WHERE state_hash = decode(\(hash), 'hex') FOR UPDATE
                ), spent AS (
                    UPDATE oauth2_states s SET used_at = now() FROM prior
                    WHERE s.state_hash = prior.state_hash AND NOT prior.was_used
                )
                SELECT s.organisation_id, s.hub_id, s.connector_id, s.end_user_id, s.client_credential_id,
                       s.sealed_verifier, s.redirect_uri, s.return_url, s.connection_name, s.scopes::text AS scopes,
                       prior.was_used, prior.was_expired
                FROM oauth2_states s JOIN prior ON prior.state_hash = s.state_hash
                """).rows.first
        }
        guard let row else { return .unknown }
        let returnURL = try row.optionalString("return_url")
        if try row.bool("was_used") { return .used(returnURL: returnURL) }
        if try row.bool("was_expired") { return .expired(returnURL: returnURL) }
        var scopes: [String] = []
        if case .array(let items) = try JSONValue.parse(Array(try row.string("scopes").utf8)) {
            scopes = items.compactMap(\.stringValue)
        }
        return .claimed(Pending(
            stateHash: OAuth2AuthorizeURL.stateHash(state), organisationID: try row.string("organisation_id"),
            hubID: try row.string("hub_id"), connectorID: try row.string("connector_id"),
            endUserID: try row.string("end_user_id"), clientCredentialID: try row.string("client_credential_id"),
            sealedVerifier: try row.bytes("sealed_verifier"), redirectURI: try row.string("redirect_uri"),
            returnURL: returnURL, connectionName: try row.string("connection_name"), scopes: scopes))
    }
}
