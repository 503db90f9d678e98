import Domain
import Postgres

/// An end user as stored.
struct EndUserRecord: Sendable, Equatable {
    var id: String
    var externalID: String
    var displayName: String
    var hubID: String
    var createdAt: Timestamp
    var updatedAt: Timestamp

    /// The column names an end user is read from, all after one prefix (`user_id` beside another table's `id`);
    /// made once, not per row.
    struct Columns: Sendable {
        let id, externalID, displayName, hubID, createdAt, updatedAt: String

        init(prefix: String) {
            (id, externalID, displayName) = (prefix + "id", prefix + "external_id", prefix + "display_name")
            (hubID, createdAt, updatedAt) = (prefix + "hub_id", prefix + "created_at", prefix + "updated_at")
        }

        static let plain = Columns(prefix: "")
        /// As `EndUserResolution.columns` aliases them.
        static let user = Columns(prefix: "user_")
    }

    init(row: Row, columns: Columns = .plain) throws {
        id = try row.string(columns.id)
        externalID = try row.string(columns.externalID)
        displayName = try row.string(columns.displayName)
        hubID = try row.string(columns.hubID)
        createdAt = try row.instant(columns.createdAt)
        updatedAt = try row.instant(columns.updatedAt)
    }

    init(_ new: NewEndUser, createdAt: Timestamp) {
        id = new.id
        externalID = new.externalID
        displayName = new.displayName
        hubID = new.hubID
        self.createdAt = createdAt
        updatedAt = createdAt
    }
}

/// The hub named by a path (in the caller's organisation) and the end user named in it, in one round trip.
struct EndUserResolution: Sendable {
    var hubFound: Bool
    var primaryConnectorID: String?
    var endUser: EndUserRecord?
    var lookup: EndUserLookup?

    /// The user columns of `end_users u`, aliased apart from other tables' (`EndUserRecord.Columns.user`).
    static let userColumns = """
        u.id AS user_id, u.external_id AS user_external_id,
        u.display_name AS user_display_name, u.hub_id AS user_hub_id, u.created_at AS user_created_at,
        u.updated_at AS user_updated_at
        """

    /// The hub and user columns, aliased apart from other tables': `primary_connector_id`, `user_id`, ….
    static let columns = "h.primary_connector_id, " + userColumns

    private static let selectedColumns = SQL(unsafe: columns)
    private static let selectColumns = SQL(unsafe: "SELECT \(columns) FROM")
    private static let selectColumnsAndConnection = SQL(unsafe: "SELECT \(columns), \(StoredConnection.columns) FROM")
    private static let connectionBindingJoins = SQL(unsafe: StoredConnection.bindingJoins)

    /// `hubs h LEFT JOIN end_users u …`, for a statement that reads more beside the path's hub and user
    /// (joined on `u.id`), and the condition that picks the hub, to follow the statement's other joins.
    static func source(organisationID: String, hubID: String, endUser lookup: EndUserLookup?) -> KeysetPage.Scope {
        KeysetPage.Scope(
            columns: selectedColumns,
            from: SQL.joining(["hubs h LEFT JOIN end_users u ON u.hub_id = h.id AND", lookup?.condition ?? "false"]),
            condition: "h.id = \(hubID) AND h.organisation_id = \(organisationID)")
    }

    /// The resolution a row with `columns` (or no row: no such hub in the organisation) describes.
    static func decode(_ row: Row?, lookup: EndUserLookup?) throws -> EndUserResolution {
        guard let row else { return EndUserResolution(hubFound: false, primaryConnectorID: nil, endUser: nil, lookup: lookup) }
        let user = try row.optionalString("user_id") == nil ? nil : try EndUserRecord(row: row, columns: .user)
        return EndUserResolution(
            hubFound: true, primaryConnectorID: try row.string("primary_connector_id"), endUser: user, lookup: lookup)
    }

    static func read(
        organisationID: String, hubID: String, endUser lookup: EndUserLookup?, on connection: some StatementRunning
    ) async throws -> EndUserResolution {
        let source = source(organisationID: organisationID, hubID: hubID, endUser: lookup)
        let sql = SQL.joining([selectColumns, source.from, "WHERE", source.condition])
        return try decode(try await connection.query(sql).rows.first, lookup: lookup)
    }

    /// `read`, and one connection of the user with its bindings, in the same round trip: the one that
    /// `connection` (a condition on `connections c`, joined beside `end_users u` and `hubs h`) picks.
    static func read(
        organisationID: String, hubID: String, endUser lookup: EndUserLookup, with connection: SQL,
        on database: some StatementRunning
    ) async throws -> (EndUserResolution, StoredConnection?) {
        let source = source(organisationID: organisationID, hubID: hubID, endUser: lookup)
        let sql = SQL.joining([
            selectColumnsAndConnection, source.from, "LEFT JOIN connections c ON c.end_user_id = u.id AND", connection,
            connectionBindingJoins, "WHERE", source.condition,
        ])
        let rows = try await database.query(sql).rows
        return (try decode(rows.first, lookup: lookup), try StoredConnection.decode(rows))
    }

    /// The condition for `read(…with:…)` that picks the user's primary connection: their first to the hub's
    /// primary connector (EndUser.primaryConnection).
    static let primaryConnection: SQL = """
        c.id = (SELECT id FROM connections WHERE end_user_id = u.id AND connector_id = h.primary_connector_id
                ORDER BY id LIMIT 1)
        """

    /// The user, or the 404 that says which part of the path is unknown; then the end-user token rule (403).
    func require(_ principal: Principal) throws(APIError) -> EndUserRecord {
        guard hubFound else { throw APIError.notFound(.hubNotFound, "hub") }
        guard let endUser else {
            // A token naming someone else by internal id must not learn whether that user exists.
            if case .endUser = principal, case .internal? = lookup {
                throw APIError(.forbidden, "this token may act only on its own end user")
            }
            throw APIError.notFound(.endUserNotFound, "end user")
        }
        try EndUserScope.check(principal, owns: endUser.externalID)
        return endUser
    }
}
