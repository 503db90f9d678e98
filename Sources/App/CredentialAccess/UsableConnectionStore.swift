import Domain
import JSON
import Postgres

/// Reads a connection of the path's end user with its credentials' secrets opened. The only reader of sealed
/// secrets besides rotation; its callers hand the material to the caller (`/access`) or to the provider (proxy).
struct UsableConnectionStore: Sendable {
    let database: DatabasePool
    let vault: CredentialVault

    /// The connection, or 404 along the path (hub, end user, connection) / 403 for another user's token.
    func load(_ path: EndUserPath, connectionID: String) async throws -> UsableConnection {
        let organisationID = path.principal.organisationID
        let (endUser, rows) = try await database.withConnection { connection in
            let endUser = try await path.require(on: connection)
            let rows = try await connection.query("""
                SELECT c.id AS connection_id, co.id AS connector_id, co.base_url,
                       b.usage, b.position, b.auth_scheme_config,
                       cr.id, cr.organisation_id, cr.type, cr.public_data, cr.sealed_secrets
                FROM connections c
                JOIN connectors co ON co.id = c.connector_id
                LEFT JOIN connection_credentials b ON b.connection_id = c.id
                LEFT JOIN credentials cr ON cr.id = b.credential_id
                WHERE c.id = \(connectionID) AND c.end_user_id = \(endUser.id) AND c.organisation_id = \(organisationID)
                """).rows
            return (endUser, rows)
        }
        guard let first = rows.first else { throw APIError.notFound(.connectionNotFound, "connection") }
        var bindings: [UsableBinding] = []
        for row in rows where try row.optionalString("id") != nil {
            bindings.append(try binding(row))
        }
        bindings.sort { ($0.usage.rawValue, $0.position) < ($1.usage.rawValue, $1.position) }
        return UsableConnection(
            connectionID: try first.string("connection_id"), endUserID: endUser.id,
            connectorBaseURL: try first.string("base_url"), connectorID: try first.string("connector_id"),
            bindings: bindings)
    }

    /// `load`, answered from `cache` while it holds the connection; API keys only (an end-user token's ownership
    /// check needs the end user's row).
    func load(_ path: EndUserPath, connectionID: String, cache: UsableConnectionCache) async throws -> UsableConnection {
        guard case .organisation(let organisationID, _, _) = path.principal else {
            return try await load(path, connectionID: connectionID)
        }
        let key = UsableConnectionCache.Key(
            organisationID: organisationID, hubID: path.hubID, endUser: path.lookup, connectionID: connectionID)
        if let cached = cache.connection(for: key) { return cached }
        let ticket = cache.ticket()
        let connection = try await load(path, connectionID: connectionID)
        if let ticket { cache.remember(connection, for: key, ticket: ticket) }
        return connection
    }

    private func binding(_ row: Row) throws -> UsableBinding {
        guard let usage = BindingUsage(rawValue: try row.string("usage")),
              let type = CredentialType(rawValue: try row.string("type"))
        else { throw InvariantViolation("a binding's usage or credential type is not one the App writes") }
        let config: AuthSchemeConfig
        do {
            config = try AuthSchemeConfig.decode(.object(try row.jsonObject("auth_scheme_config")))
        } catch {
            throw InvariantViolation("a stored authSchemeConfig no longer decodes")
        }
        let secrets: JSONObject
        do {
            secrets = try vault.open(row)
        } catch {
            // A key missing from CREDENTIAL_KEYS or a damaged blob: the operator's to mend, never the caller's.
            throw InvariantViolation("credential \(try row.string("id")) does not open with CREDENTIAL_KEYS")
        }
        return UsableBinding(
            usage: usage, position: try row.int("position"), config: config, credentialID: try row.string("id"),
            credentialType: type, publicData: try row.jsonObject("public_data"), secrets: secrets)
    }
}
