import Domain
import HTTP1
import HTTPServer
import JSON

/// `POST /hubs/{hub_id}/users`: CreateEndUser, with its primary connection to the hub's primary connector
/// written in the same statement.
enum CreateEndUserRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let idempotency = try IdempotencyKey.from(request)
        let organisationID = principal.organisationID
        let hubID = request.parameters["hub_id"] ?? ""
        let keyMaterial = creation.context.keyMaterial
        let body = try await creation.decodeBody(idempotency: idempotency, organisationID: organisationID) {
            let json = JSONValue.object(try request.jsonObjectBody())
            return try await KeyMaterialOffLoop.decode(checkingWith: keyMaterial) { keyMaterial throws(APIError) in
                try APIError.decoding { () throws(ValidationFailure) in
                    try EndUserCreate.decode(json, keyMaterial: keyMaterial)
                }
            }
        }
        let target = ConnectionCreation.Target(
            organisationID: organisationID, hubID: hubID, endUser: .external(body.externalId), connectorID: nil,
            newEndUser: (body.externalId, body.displayName ?? ""))
        let basePath = request.path
        return try await creation.create(body.primaryConnection, target: target, principal: principal, idempotency: idempotency) {
            connection, user in
            .json(
                .created, EndUserJSON.endUser(user, primaryConnection: connection, organisationID: organisationID),
                headers: ["Location": "\(basePath)/\(user.id)?identifier_type=internal"])
        }
    }
}
