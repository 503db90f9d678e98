import HTTP1
import HTTPServer
import JSON

/// `POST /hubs/{hub_id}/users/{user_id}/connections`: CreateEndUserConnection.
enum CreateConnectionRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let lookup = try EndUserLookup.from(request)
        try lookup.check(principal)
        let idempotency = try IdempotencyKey.from(request)
        let organisationID = principal.organisationID
        let (connectorID, draft) = try DomainAdapter.createConnectionBody(
            try request.jsonObjectBody(), context: creation.context, organisationID: organisationID)
        let target = ConnectionCreation.Target(
            organisationID: organisationID, hubID: request.parameters["hub_id"] ?? "", endUser: lookup,
            connectorID: connectorID)
        let basePath = request.path
        let query = if case .internal = lookup { "?identifier_type=internal" } else { "" }
        return try await creation.create(draft, target: target, principal: principal, idempotency: idempotency) {
            connection, _ in
            .json(
                .created, ConnectionJSON.connection(connection, organisationID: organisationID),
                headers: ["Location": "\(basePath)/\(connection.id)\(query)"])
        }
    }
}
