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

    /// From columns named `id`, `external_id`, `display_name`, `hub_id`, `created_at`, `updated_at`.
    init(row: Row) throws {
        id = try row.string("id")
        externalID = try row.string("external_id")
        displayName = try row.string("display_name")
        hubID = try row.string("hub_id")
        createdAt = try row.instant("created_at")
        updatedAt = try row.instant("updated_at")
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

    static func read(
        organisationID: String, hubID: String, endUser lookup: EndUserLookup?, on connection: PGConnection
    ) async throws -> EndUserResolution {
        var sql = SQL("""
            SELECT h.primary_connector_id, u.id, u.external_id, u.display_name, u.hub_id, u.created_at, u.updated_at
            FROM hubs h
            LEFT JOIN end_users u ON u.hub_id = h.id AND
            """).appending(lookup?.condition(alias: "u") ?? "false")
        sql = sql.appending("\nWHERE h.id = \(hubID) AND h.organisation_id = \(organisationID)")
        guard let row = try await connection.query(sql).rows.first else {
            return EndUserResolution(hubFound: false, primaryConnectorID: nil, endUser: nil, lookup: lookup)
        }
        let user = try row.optionalString("id") == nil ? nil : try EndUserRecord(row: row)
        return EndUserResolution(
            hubFound: true, primaryConnectorID: try row.string("primary_connector_id"), endUser: user, lookup: lookup)
    }

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
