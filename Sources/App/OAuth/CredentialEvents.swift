import Postgres

/// `credential.refresh_failed`: the credential (id and name) and every connection that binds it, each with its
/// end user (with `externalId`), connector and hub, so an integrator can ask those end users to connect again.
enum CredentialEvents {
    /// Appends the event inside the transaction that marks the credential refused.
    static func appendRefreshFailed(credentialID: String, on database: some StatementRunning) async throws {
        guard let organisationID = try await database.query(
            "SELECT organisation_id FROM credentials WHERE id = \(credentialID)").rows.first.map({ try $0.string("organisation_id") })
        else { return }
        let from: SQL = "FROM credentials cr WHERE cr.id = \(credentialID)"
        let data: SQL = """
            json_build_object(
                'credential', json_build_object('id', cr.id, 'name', cr.name),
                'connections', (SELECT coalesce(json_agg(json_build_object(
                                    'id', c.id, 'name', c.name,
                                    'endUser', json_build_object('id', u.id, 'externalId', u.external_id),
                                    'connector', json_build_object('id', k.id, 'name', k.name),
                                    'hub', json_build_object('id', h.id, 'name', h.name)) ORDER BY c.id), '[]'::json)
                                FROM connections c
                                JOIN end_users u ON u.id = c.end_user_id
                                JOIN connectors k ON k.id = c.connector_id
                                JOIN hubs h ON h.id = u.hub_id
                                WHERE c.id IN (SELECT connection_id FROM connection_credentials WHERE credential_id = cr.id)))
            """
        try await WebhookOutbox.append(.credentialRefreshFailed, organisationID: organisationID, data: data, from: from, on: database)
    }
}
