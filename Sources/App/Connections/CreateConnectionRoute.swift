import Domain
import HTTP1
import HTTPServer
import JSON

/// `POST /hubs/{hub_id}/users/{user_id}/connections`: CreateEndUserConnection.
enum CreateConnectionRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let idempotency = try IdempotencyKey.from(request)
        let organisationID = principal.organisationID
        let keyMaterial = creation.context.keyMaterial
        let body = try await creation.decodeBody(idempotency: idempotency, organisationID: organisationID, path: path) {
            let json = JSONValue.object(try request.jsonObjectBody())
            return try await KeyMaterialOffLoop.decode(checkingWith: keyMaterial) { keyMaterial throws(APIError) in
                try APIError.decoding { () throws(ValidationFailure) in
                    try CreateEndUserConnectionRequest.decode(json, keyMaterial: keyMaterial)
                }
            }
        }
        let target = ConnectionCreation.Target(
            organisationID: organisationID, hubID: path.hubID, endUser: path.lookup, connectorID: body.connectorId)
        let hubID = target.hubID
        return try await creation.create(body.connection, target: target, principal: principal, idempotency: idempotency) {
            connection, user in
            .json(
                .created, ConnectionJSON.connection(connection, organisationID: organisationID),
                headers: ["Location": "/hubs/\(hubID)/users/\(user.id)/connections/\(connection.id)?identifier_type=internal"])
        }
    }
}
