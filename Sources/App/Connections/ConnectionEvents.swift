import Domain
import JSON
import Postgres

/// `connection.created`, `connection.deleted` and `oauth2.connection_completed`: the connection, its end user (with `externalId`), its
/// connector and its hub, by id and name. Never a credential.
enum ConnectionEvents {
    /// `, outbox_event AS (…)` for the end of `ConnectionInsert`'s `WITH` list: the
    /// event is drawn from its `owner` row, so it is written exactly when the connection is. An end user made by
    /// the same statement is not visible to it yet, so its external id and hub come from `newEndUser`.
    static func created(_ new: NewConnection, newEndUser: NewEndUser?) -> [SQL] {
        let connection = new.connection
        let data = payload(
            connection: "\(connection.id)::text, 'name', \(connection.name)::text",
            endUser: "owner.end_user_id, 'externalId', coalesce(u.external_id, \(newEndUser?.externalID)::text)")
        let from: SQL = """
            FROM owner
            JOIN connectors k ON k.id = owner.connector_id
            LEFT JOIN end_users u ON u.id = owner.end_user_id
            JOIN hubs h ON h.id = coalesce(u.hub_id, \(newEndUser?.hubID)::text)
            """
        return [SQL(",")] + WebhookOutbox.insertion(
            .connectionCreated, organisationID: new.organisationID, data: data, from: from,
            createdAt: connection.createdAt)
    }

    /// Appends `connection.deleted` inside the deleting transaction, read from the row before it goes; writes
    /// nothing when there is no such connection (the delete then finds none and rolls back).
    static func appendDeleted(
        connectionID: String, endUserID: String, organisationID: String, on database: some StatementRunning
    ) async throws {
        try await append(.connectionDeleted, connectionID: connectionID, endUserID: endUserID, organisationID: organisationID, on: database)
    }

    /// Appends `type` about connection `connectionID` of end user `endUserID`, read from its row inside the
    /// caller's transaction (for a change made outside `ConnectionInsert`, such as the OAuth 2.0 callback's).
    static func append(
        _ type: WebhookEventType, connectionID: String, endUserID: String, organisationID: String,
        on database: some StatementRunning
    ) async throws {
        let from: SQL = """
            FROM connections c
            JOIN end_users u ON u.id = c.end_user_id
            JOIN connectors k ON k.id = c.connector_id
            JOIN hubs h ON h.id = u.hub_id
            WHERE c.id = \(connectionID) AND c.end_user_id = \(endUserID) AND c.organisation_id = \(organisationID)
            """
        try await WebhookOutbox.append(
            type, organisationID: organisationID,
            data: payload(connection: "c.id, 'name', c.name", endUser: "u.id, 'externalId', u.external_id"),
            from: from, on: database)
    }

    /// Appends `connection.deleted` for every connection of the end users `endUsers` (a condition over `u`)
    /// selects, inside the transaction that deletes those users (their connections go by cascade). The users are
    /// locked first, so no connection is added to them between this and their deletion: none goes unreported.
    static func appendDeletedWithEndUsers(
        where endUsers: SQL, organisationID: String, on database: some StatementRunning
    ) async throws {
        let ids = try await database.query(SQL.joining([
            "SELECT c.id FROM end_users u LEFT JOIN connections c ON c.end_user_id = u.id WHERE u.organisation_id = \(organisationID) AND",
            endUsers, SQL("FOR UPDATE OF u"),
        ])).rows.compactMap { try $0.optionalString("id") }
        try await WebhookOutbox.appendEach(
            .connectionDeleted, organisationID: organisationID, rowIDs: ids,
            joins: """
                JOIN connections c ON c.id = p.item
                JOIN end_users u ON u.id = c.end_user_id
                JOIN connectors k ON k.id = c.connector_id
                JOIN hubs h ON h.id = u.hub_id
                """,
            data: payload(connection: "c.id, 'name', c.name", endUser: "u.id, 'externalId', u.external_id"),
            on: database)
    }

    /// The event's `data`; `connection` and `endUser` are the members after each object's `'id',`, the
    /// connector is `k` and the hub `h`.
    private static func payload(connection: SQL, endUser: SQL) -> SQL {
        SQL.joining([
            SQL("json_build_object('connection', json_build_object('id',"), connection,
            SQL("), 'endUser', json_build_object('id',"), endUser,
            SQL("""
                ), 'connector', json_build_object('id', k.id, 'name', k.name),
                'hub', json_build_object('id', h.id, 'name', h.name))
                """),
        ])
    }
}
