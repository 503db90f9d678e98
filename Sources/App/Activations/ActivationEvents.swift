import Domain
import JSON
import Postgres

/// `activation.created` and `activation.deleted`: the activation, its integration (with `boardId`, which the
/// integrator's runtime keys its workflow by), its end user (with `externalId`) and its hub, by id and name.
enum ActivationEvents {
    /// Appends the event for activation `id`, read from its row inside the caller's transaction: after the row
    /// is written for `.activationCreated`, before it goes for `.activationDeleted`.
    static func append(
        _ type: WebhookEventType, activationID: String, organisationID: String, on database: some StatementRunning
    ) async throws {
        let from = SQL.joining([
            SQL(unsafe: "FROM activations a \(joins)"),
            "WHERE a.id = \(activationID) AND a.organisation_id = \(organisationID)",
        ])
        try await WebhookOutbox.append(type, organisationID: organisationID, data: payload, from: from, on: database)
    }

    /// `activation.created` as parts of the `WITH` list of the statement that writes the activation
    /// (`WebhookOutbox.insertion`): `activation` names its earlier part that returns the written row's `id`,
    /// `hub_id`, `integration_id` and `end_user_id` (no row: nothing was written, no event).
    static func createdInsertion(fromActivation activation: String, organisationID: String, at now: Timestamp) -> [SQL] {
        WebhookOutbox.insertion(
            .activationCreated, organisationID: organisationID, data: payload,
            from: SQL(unsafe: "FROM \(activation) a \(joins)"), createdAt: now)
    }

    /// Appends `activation.deleted` for each activation `activations` (a condition over the activation `a` and
    /// its end user `u`) selects, inside the transaction whose deletion of end users, a hub or an integration
    /// takes them by cascade.
    static func appendDeleted(
        where activations: SQL, organisationID: String, on database: some StatementRunning
    ) async throws {
        let ids = try await database.query(SQL.joining([
            "SELECT a.id FROM activations a JOIN end_users u ON u.id = a.end_user_id WHERE a.organisation_id = \(organisationID) AND",
            activations, SQL("FOR UPDATE OF a"),
        ])).rows.map { try $0.string("id") }
        try await WebhookOutbox.appendEach(
            .activationDeleted, organisationID: organisationID, rowIDs: ids,
            joins: SQL(unsafe: "JOIN activations a ON a.id = p.item \(joins)"), data: payload, on: database)
    }

    /// From `activations a` to its integration `i`, end user `u` and hub `h`, which `payload` reads.
    private static let joins = """
        JOIN integrations i ON i.id = a.integration_id
        JOIN end_users u ON u.id = a.end_user_id
        JOIN hubs h ON h.id = a.hub_id
        """

    private static let payload: SQL = """
        json_build_object('activation', json_build_object('id', a.id),
                          'integration', json_build_object('id', i.id, 'name', i.name, 'boardId', i.board_id),
                          'endUser', json_build_object('id', u.id, 'externalId', u.external_id),
                          'hub', json_build_object('id', h.id, 'name', h.name))
        """
}
