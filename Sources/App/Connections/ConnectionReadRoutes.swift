import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// `GET /hubs/{hub_id}/users/{user_id}/connections`: ListEndUserConnections, optionally filtered by
/// `hub_connector_id` (a comma-separated list of connector ids).
enum ListConnectionsRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let page = try PageRequest.from(request)
        let connectorIDs = try connectorFilter(request)
        // Two shapes rather than one with a flag: the generic plan of a flagged statement keeps the subquery and
        // its casts even when the flag disables them, ~10 µs of PostgreSQL's CPU per merged read of the common,
        // unfiltered list.
        let filter: SQL = connectorIDs.isEmpty
            ? "FROM connections t WHERE t.end_user_id = u.id"
            : """
            FROM connections t WHERE t.end_user_id = u.id AND t.connector_id IN (
                SELECT jsonb_array_elements_text(\(JSONValue.strings(connectorIDs).jsonText)::jsonb))
            """
        let result = try await context.database.reading { connection in
            try await KeysetPage.fetch(
                columns: "t.id, t.name, t.created_at, t.updated_at", filter: filter, page: page, scope: path.source,
                on: connection)
        }
        _ = try EndUserResolution.decode(result.scope, lookup: path.lookup).require(principal)
        let fetched = try result.rows.map { row in
            (id: try row.string("id"), json: ConnectionJSON.summary(
                id: try row.string("id"), name: try row.string("name"),
                createdAt: try row.instant("created_at"), updatedAt: try row.instant("updated_at")))
        }
        let paged = Page(fetched: fetched, totalCount: result.totalCount, request: page, id: \.id)
        return .json(.ok, paged.json(key: "connections") { $0.json })
    }

    /// The connector ids of every `hub_connector_id` (comma-separated; an empty parameter filters nothing),
    /// normalised. Anything but a ULID is 400: no connector could match it, and an empty answer would hide the
    /// client's mistake.
    static func connectorFilter(_ request: Request) throws(APIError) -> [String] {
        var ids: [String] = []
        for item in request.query where item.name == "hub_connector_id" && !item.value.isEmpty {
            for text in item.value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let id = ULID(String(text)) else {
                    throw APIError.invalidParameter("hub_connector_id", "must be comma-separated connector ids (ULIDs)")
                }
                ids.append(id.string)
            }
        }
        return ids
    }
}

/// `GET /hubs/{hub_id}/users/{user_id}/connections/{connection_id}`.
enum GetConnectionRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let connectionID = request.parameters["connection_id"] ?? ""
        let (_, connection) = try await context.database.reading { database in
            try await path.require(with: "c.id = \(connectionID)", on: database)
        }
        guard let connection else { throw APIError.notFound(.connectionNotFound, "connection") }
        return .json(.ok, ConnectionJSON.connection(connection, organisationID: principal.organisationID))
    }
}

/// `DELETE /hubs/{hub_id}/users/{user_id}/connections/{connection_id}`: the connection, its bindings, and
/// its credentials that no other connection binds, with its `connection.deleted` event, in one transaction; never
/// the end user's last connection to the hub's primary connector. A connection an activation binds is kept
/// (409010): checked once the row is gone, and by the deferred foreign key at commit for an activation that binds
/// it meanwhile.
enum DeleteConnectionRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let connectionID = request.parameters["connection_id"] ?? ""
        do {
            try await context.database.withTransaction { database in
                let endUser = try await path.require(on: database)
                try await PrimaryConnectionGuard.checkDeletable(connectionID: connectionID, endUserID: endUser.id, on: database)
                let condition: SQL = "c.id = \(connectionID) AND c.end_user_id = \(endUser.id)"
                let credentialIDs = try await CredentialCleanup.boundCredentialIDs(where: condition, on: database)
                try await ConnectionEvents.appendDeleted(
                    connectionID: connectionID, endUserID: endUser.id, organisationID: principal.organisationID, on: database)
                let deleted = try await database.query(
                    "DELETE FROM connections WHERE id = \(connectionID) AND end_user_id = \(endUser.id)").affectedRows
                guard deleted == 1 else { throw APIError.notFound(.connectionNotFound, "connection") }
                let used = try await database.query(
                    "SELECT EXISTS (SELECT 1 FROM activation_connections WHERE connection_id = \(connectionID)) AS used")
                guard try used.rows.first?.bool("used") == false else { throw APIError.connectionUsedByActivation }
                try await CredentialCleanup.deleteUnbound(credentialIDs, on: database)
            }
        } catch let error as DatabaseError {
            throw ConstraintErrors.apiError(for: error) ?? error
        }
        return Response(status: .noContent)
    }
}
