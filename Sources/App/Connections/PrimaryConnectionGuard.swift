import Postgres

/// An end user always has a connection to the hub's primary connector: `EndUser.primaryConnection` is required,
/// CreateEndUser makes the first one, and this keeps the last one from being deleted.
enum PrimaryConnectionGuard {
    /// Refuses (409 `409011`) to delete `connectionID` when it is the end user's only connection to the hub's
    /// primary connector. Locks the end user's row first, so that concurrent deletions of their connections run
    /// one after the other and each checks what the previous one left (two deletions of the last two cannot both
    /// pass). Creating connections only key-share-locks that row, so it goes on beside.
    static func checkDeletable(connectionID: String, endUserID: String, on database: PGConnection) async throws {
        _ = try await database.query("SELECT id FROM end_users WHERE id = \(endUserID) FOR NO KEY UPDATE")
        let isLast = try await database.query("""
            SELECT 1 FROM connections c
            JOIN end_users u ON u.id = c.end_user_id JOIN hubs h ON h.id = u.hub_id
            WHERE c.id = \(connectionID) AND c.end_user_id = \(endUserID) AND c.connector_id = h.primary_connector_id
              AND NOT EXISTS (SELECT 1 FROM connections o
                              WHERE o.end_user_id = c.end_user_id AND o.connector_id = c.connector_id AND o.id <> c.id)
            """).rows.count == 1
        if isLast {
            throw APIError(
                .primaryConnectionRequired, "an end user keeps at least one connection to the hub's primary connector",
                fields: [.init(field: "connection_id", message: "is the end user's only connection to the hub's primary connector; delete the end user instead")])
        }
    }
}
