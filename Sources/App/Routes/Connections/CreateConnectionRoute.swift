import HTTP1
import HTTPServer
import JSON

/// `POST /hubs/{hub_id}/users/{user_id}/connections`: CreateEndUserConnection.
enum CreateConnectionRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let idempotency = try IdempotencyKey.from(request)
        let organisationID = principal.organisationID
        let (connectorID, draft) = try await creation.decodeBody(
            idempotency: idempotency, organisationID: organisationID, path: path
        ) {
            try await DomainAdapter.createConnectionBody(
                try request.jsonObjectBody(), context: creation.context, organisationID: organisationID)
        }
        let target = ConnectionCreation.Target(
            organisationID: organisationID, hubID: path.hubID, endUser: path.lookup,
            connectorID: connectorID)
        let hubID = target.hubID
        return try await creation.create(draft, target: target, principal: principal, idempotency: idempotency) {
            connection, user in
            .json(
                .created, ConnectionJSON.connection(connection, organisationID: organisationID),
                headers: ["Location": "/hubs/\(hubID)/users/\(user.id)/connections/\(connection.id)?identifier_type=internal"])
        }
    }
}
