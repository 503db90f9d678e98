import Domain
import JSON
import Logging
import Postgres
import TraceContext

/// Keeps oauth2-token credentials fresh: one with a `refreshToken`, an `expiresAt` and a binding whose grant names
/// its oauth2-client credential is renewed at that client's own `tokenUrl` from 5 minutes before it expires.
/// Each refresh holds its credential's row lock (`FOR UPDATE`) from claim to store, so of several server
/// instances on one database exactly one refreshes a given token; the background pass skips locked rows
/// (`SKIP LOCKED`), and a crashed instance's lock ends with its connection. A provider's `invalid_grant` marks the
/// credential's `errors` and its bindings' `validationMessages` (severity `error`), which also stops further
/// attempts; other failures are retried with backoff (`oauth2_refresh_backoff`: 30 s, doubling, at most an hour),
/// except a call the organisation's outbound limit kept from leaving, which the next pass tries again.
public struct OAuthTokenRefresher: Sendable {
    public static let refreshLeadSeconds = 300

    let context: AppContext

    public init(context: AppContext) { self.context = context }

    /// Refreshes what is due every `TOKEN_REFRESH_INTERVAL_MS` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await refreshDue()
            } catch {
                context.logger.warning("token refresh pass failed", metadata: ["error": "\(type(of: error))"])
            }
            try? await Task.sleep(for: context.configuration.tokenRefreshInterval)
        }
    }

    /// One pass: every due token not locked by another instance, each at most once. Returns how many it renewed.
    /// `organisationID` narrows it to one organisation's tokens (nil: all, as the background pass runs).
    @discardableResult
    public func refreshDue(organisationID: String? = nil) async throws -> Int {
        var attempted: [String] = []
        var renewed = 0
        while !Task.isCancelled {
            // Each refresh of the background pass is a trace of its own; one a request asked for is in its trace.
            let trace = RequestTrace.current ?? RequestTrace.starting()
            let outcome: Outcome? = try await RequestTrace.$current.withValue(trace) {
                try await context.database.withTransaction { connection in
                    guard let row = try await connection.query(Self.claimQuery(skipping: attempted, organisationID: organisationID)).rows.first
                    else { return nil }
                    attempted.append(try row.string("id"))
                    return try await refresh(row, on: connection)
                }
            }
            guard let outcome else { break }
            if case .renewed = outcome { renewed += 1 }
        }
        if organisationID == nil { try await measureOverdue() }
        return renewed
    }

    /// Sets the gauge of how long the most overdue token, one still waiting after this pass, has been due.
    private func measureOverdue() async throws {
        let seconds = try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT coalesce(extract(epoch FROM now() - min((cr.public_data->>'expiresAt')::timestamptz
                                                                - make_interval(secs => \(Self.refreshLeadSeconds)))), 0)::bigint AS overdue
                FROM credentials cr
                WHERE cr.type = 'oauth2-token' AND cr.errors = '[]'::jsonb AND cr.public_data->>'expiresAt' IS NOT NULL
                  AND EXISTS (SELECT 1 FROM connection_credentials b WHERE b.credential_id = cr.id
                                AND b.auth_scheme_config->'grant'->>'credentialId' IS NOT NULL)
                """).rows[0].int("overdue")
        }
        context.metrics.tokenRefreshes.setGauge(Double(seconds))
    }

    /// The access token of an oauth2-token credential, refreshed first when it is due (waiting for a refresh
    /// another request or instance is running on it). What an outbound call that uses a stored credential calls.
    /// For an oauth2-client or oauth2-password credential, a client_credentials or password token (`OnDemandTokens`,
    /// fetched on demand and cached sealed). nil when the credential is none of these of the organisation; 400007
    /// when it is due and its refresh
    /// was refused; the exchange's error when a refresh fails now. A due token without a client to refresh it
    /// with is answered as stored.
    /// `force` refreshes an oauth2-token that is not due yet (its provider refused it).
    public func freshAccessToken(credentialID: String, organisationID: String, force: Bool = false) async throws -> String? {
        // .none: not an oauth2-token, so perhaps one for `OnDemandTokens` (asked with no transaction open).
        let fromToken: String?? = try await context.database.withTransaction { connection -> String?? in
            let sql = SQL.joining([
                "SELECT cr.id, cr.organisation_id, cr.sealed_secrets, cr.public_data::text AS public_data,",
                "cr.errors::text AS errors,", SQL(unsafe: Self.clientColumn), """
                AS client_id, coalesce((cr.public_data->>'expiresAt')::timestamptz
                                       <= now() + make_interval(secs => \(Self.refreshLeadSeconds)), false) AS due
                FROM credentials cr
                WHERE cr.id = \(credentialID) AND cr.organisation_id = \(organisationID) AND cr.type = 'oauth2-token'
                FOR UPDATE OF cr
                """,
            ])
            let row = try await connection.query(sql).rows.first
            guard let row else { return .none }
            let vault = CredentialVault(keyRing: context.keyRing)
            let stored = try vault.open(row)["accessToken"]?.stringValue ?? ""
            guard try row.bool("due") || force else { return stored }
            // A refresh the provider refused stays refused until the end user connects again.
            guard try row.string("errors") == "[]" else {
                throw APIError(.oauthExchangeRejected, Self.refusedMessage)
            }
            guard try row.optionalString("client_id") != nil else { return stored }
            switch try await refresh(row, on: connection) {
            case .renewed(let secrets): return secrets["accessToken"]?.stringValue ?? ""
            case .refused: throw APIError(.oauthExchangeRejected, "the provider refused the refresh token; the end user must reconnect")
            case .failed(let error): throw error
            }
        }
        if let fromToken { return fromToken }
        return try await context.onDemandTokens.accessToken(
            credentialID: credentialID, organisationID: organisationID, context: context)
    }

    enum Outcome: Sendable {
        case renewed(JSONObject)
        case refused
        case failed(OAuthExchangeError)
    }

    /// The oauth2-client credential a binding's grant names for this token.
    private static let clientColumn = """
        (SELECT b.auth_scheme_config->'grant'->>'credentialId' FROM connection_credentials b
         WHERE b.credential_id = cr.id AND b.auth_scheme_config->'grant'->>'credentialId' IS NOT NULL
         ORDER BY b.id LIMIT 1)
        """

    /// The next due token (soonest expiry first) that this pass has not tried, locked.
    private static func claimQuery(skipping attempted: [String], organisationID: String?) -> SQL {
        var sql: SQL = """
            SELECT cr.id, cr.organisation_id, cr.sealed_secrets, cr.public_data::text AS public_data, c.client_id
            FROM credentials cr
            CROSS JOIN LATERAL (SELECT
            """
        sql = sql.appending(SQL(unsafe: clientColumn)).appending("""
             AS client_id) c
            WHERE cr.type = 'oauth2-token' AND cr.errors = '[]'::jsonb AND c.client_id IS NOT NULL
              AND (cr.public_data->>'expiresAt')::timestamptz <= now() + make_interval(secs => \(refreshLeadSeconds))
              AND NOT cr.id IN (SELECT jsonb_array_elements_text(\(JSONValue.strings(attempted).jsonText)::jsonb))
              AND (\(organisationID)::text IS NULL OR cr.organisation_id = \(organisationID))
              AND NOT EXISTS (SELECT 1 FROM oauth2_refresh_backoff f WHERE f.credential_id = cr.id AND f.retry_at > now())
            ORDER BY (cr.public_data->>'expiresAt')::timestamptz
            LIMIT 1
            FOR UPDATE OF cr SKIP LOCKED
            """)
        return sql
    }

    /// Refreshes the locked token `row` and stores the outcome on `connection` (inside the lock's transaction).
    private func refresh(_ row: Row, on connection: PGConnection) async throws -> Outcome {
        let id = try row.string("id"), organisationID = try row.string("organisation_id")
        let vault = CredentialVault(keyRing: context.keyRing)
        let secrets = try vault.open(row)
        guard case .object(let publicData) = try JSONValue.parse(Array(try row.string("public_data").utf8)),
              let refreshToken = secrets["refreshToken"]?.stringValue, !refreshToken.isEmpty,
              let clientCredentialID = try row.optionalString("client_id")
        else { return .failed(.badResponse("the credential has no refresh token or client")) }
        let client = try await OAuth2ClientSecret.read(
            clientCredentialID, organisationID: organisationID, vault: vault, database: context.database)
        let scopes = publicData["scopes"].flatMap { value -> [String]? in
            if case .array(let items) = value { items.compactMap(\.stringValue) } else { nil }
        } ?? []
        let request = OAuthTokenRequest.outbound(
            tokenURL: client.tokenURL, form: [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
            clientID: client.clientID, clientSecret: client.clientSecret)
        let reader = OAuthTokenResponse(
            secrets: [refreshToken, client.clientSecret], requestedScopes: scopes, now: Timestamp.now(),
            previousRefreshToken: refreshToken)
        let token: JSONObject
        do {
            token = try await OAuthCodeExchanger(client: context.outbound).send(request, organisationID: organisationID, reader: reader)
        } catch .rejected(let error, _) where error == "invalid_grant" {
            try await markRefused(id, on: connection)
            _ = try await connection.query("DELETE FROM oauth2_refresh_backoff WHERE credential_id = \(id)")
            context.metrics.tokenRefreshes.record(.refused)
            return .refused
        } catch .busy {
            // Nothing reached the provider: the organisation's outbound calls were all taken (webhook deliveries,
            // other refreshes). The next pass tries again; a backoff is for what the provider did.
            context.logger.debug("token refresh deferred: the organisation's outbound calls are all taken", metadata: [
                "credentialId": "\(id)",
            ])
            return .failed(.busy)
        } catch {
            try await backOff(id, on: connection)
            context.metrics.tokenRefreshes.record(.failed)
            context.logger.warning("token refresh failed; retried after a backoff", metadata: [
                "credentialId": "\(id)", "reason": "\(error.description)",
            ])
            return .failed(error)
        }
        let name = try await connection.query("SELECT name FROM credentials WHERE id = \(id)").rows[0].string("name")
        let keyMaterial = context.keyMaterial
        let validated = try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(name: name, type: .oauth2Token, data: .object(token), keyMaterial: keyMaterial)
        }
        let sealed = try vault.seal(validated.secretData, organisationID: organisationID, credentialID: id)
        _ = try await connection.query("""
            UPDATE credentials
            SET public_data = \(JSONValue.object(validated.publicData).jsonText)::json,
                sealed_secrets = decode(\(Hex.encode(sealed.bytes)), 'hex'), key_version = \(sealed.keyVersion),
                updated_at = now()
            WHERE id = \(id)
            """)
        _ = try await connection.query("DELETE FROM oauth2_refresh_backoff WHERE credential_id = \(id)")
        context.metrics.tokenRefreshes.record(.renewed)
        return .renewed(validated.secretData)
    }

    /// The background pass leaves the token alone for 30 seconds after its first failure, doubling with each
    /// further one up to an hour.
    private func backOff(_ id: String, on connection: PGConnection) async throws {
        _ = try await connection.query("""
            INSERT INTO oauth2_refresh_backoff (credential_id, failures, retry_at)
            VALUES (\(id), 1, now() + interval '30 seconds')
            ON CONFLICT (credential_id) DO UPDATE
            SET failures = oauth2_refresh_backoff.failures + 1,
                retry_at = now() + make_interval(secs => least(3600, 30 * power(2, oauth2_refresh_backoff.failures)))
            """)
    }

    static let refusedMessage = "the provider refused the refresh token (invalid_grant): the end user must connect again"

    private func markRefused(_ id: String, on connection: PGConnection) async throws {
        let message: JSONValue = [["text": .string(Self.refusedMessage), "severity": "error"]]
        _ = try await connection.query("""
            UPDATE credentials SET errors = \(JSONValue.strings([Self.refusedMessage]).jsonText)::jsonb, updated_at = now()
            WHERE id = \(id)
            """)
        _ = try await connection.query("""
            UPDATE connection_credentials SET validation_messages = \(message.jsonText)::json WHERE credential_id = \(id)
            """)
        try await CredentialEvents.appendRefreshFailed(credentialID: id, on: connection)
    }
}
