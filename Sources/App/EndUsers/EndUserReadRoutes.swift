import HTTP1
import HTTPServer
import JSON
import Postgres

/// `GET /hubs/{hub_id}/users`: ListEndUsers; `search` matches id, externalId and displayName, ignoring case.
enum ListEndUsersRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let page = try PageRequest.from(request)
        let search = request.queryValue("search") ?? ""
        let hubID = request.parameters["hub_id"] ?? ""
        let result = try await context.database.reading { connection in
            try await KeysetPage.fetch(
                columns: "t.id, t.external_id, t.display_name, t.hub_id, t.created_at, t.updated_at",
                filter: """
                    FROM end_users t WHERE t.hub_id = h.id
                    AND (\(search) = '' OR strpos(lower(t.id), lower(\(search))) > 0
                         OR strpos(lower(t.external_id), lower(\(search))) > 0
                         OR strpos(lower(t.display_name), lower(\(search))) > 0)
                    """,
                page: page,
                scope: EndUserResolution.source(organisationID: principal.organisationID, hubID: hubID, endUser: nil),
                on: connection)
        }
        guard result.scope != nil else { throw APIError.notFound(.hubNotFound, "hub") }
        let users = try result.rows.map { try EndUserRecord(row: $0) }
        let paged = Page(fetched: users, totalCount: result.totalCount, request: page, id: \.id)
        return .json(.ok, paged.json(key: "users") { .object(EndUserJSON.summary($0)) })
    }
}

/// `GET /hubs/{hub_id}/users/{user_id}`: the user with its primary connection.
enum GetEndUserRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let (user, primary) = try await context.database.reading { connection in
            try await path.require(with: EndUserResolution.primaryConnection, on: connection)
        }
        // CreateEndUser makes it and PrimaryConnectionGuard keeps the last one: none means the rows were changed
        // outside the API.
        guard let primary else { throw InvariantViolation("an end user without a connection to the hub's primary connector") }
        return .json(.ok, EndUserJSON.endUser(user, primaryConnection: primary, organisationID: principal.organisationID))
    }
}

/// `DELETE /hubs/{hub_id}/users/{user_id}`: the user, its connections (each with its `connection.deleted` event),
/// and their credentials that nothing else binds, in one transaction.
enum DeleteEndUserRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        try await context.database.withTransaction { database in
            let user = try await path.require(on: database)
            let credentialIDs = try await CredentialCleanup.boundCredentialIDs(where: "c.end_user_id = \(user.id)", on: database)
            try await ConnectionEvents.appendDeletedWithEndUsers(
                where: "u.id = \(user.id)", organisationID: principal.organisationID, on: database)
            try await ActivationEvents.appendDeleted(
                where: "u.id = \(user.id)", organisationID: principal.organisationID, on: database)
            _ = try await database.query("DELETE FROM end_users WHERE id = \(user.id)")
            try await CredentialCleanup.deleteUnbound(credentialIDs, on: database)
        }
        return Response(status: .noContent)
    }
}
