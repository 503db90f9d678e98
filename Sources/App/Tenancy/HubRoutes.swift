import Domain
import HTTP1
import HTTPServer
import JSON

/// Embedded API Hubs tag. Organisation API keys only: an end-user token gets 403.
enum HubRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let store = HubStore(database: context.database)
        let images = PlaceholderImage(configuration: context.configuration)

        router.on(.GET, "/o/:organisation_id/hubs", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.wholeUnlessFirst(request))
            return .json(.ok, page.json(key: "hubs") { $0.json(images: images) })
        }

        /// Order: body rules (400), then `organisationId` (404007), then the connector (404003).
        router.on(.POST, "/hubs", context: context) { request, principal in
            let body = JSONValue.object(try request.jsonObjectBody())
            let create = try APIError.decoding { () throws(ValidationFailure) in try HubCreate.decode(body) }
            if let organisationID = create.organisationId, !organisationID.string.hasSameBytes(as: principal.organisationID) {
                throw APIError.notFound(.organisationNotFound, "organisation")
            }
            guard let hub = try await store.insert(
                organisationID: principal.organisationID, name: create.name,
                primaryConnectorID: create.primaryConnectorId.string, authSchemeConfig: create.authSchemeConfig.jsonValue())
            else { throw APIError.notFound(.connectorNotFound, "primary connector") }
            return .json(.created, hub.json(images: images), headers: ["Location": "/hubs/\(hub.id)"])
        }

        router.on(.GET, "/hubs/:hub_id", context: context) { request, principal in
            let id = try hubID(request)
            guard let hub = try await store.find(id: id, organisationID: principal.organisationID) else { throw notFound }
            return .json(.ok, hub.json(images: images))
        }

        router.on(.PATCH, "/hubs/:hub_id", context: context) { request, principal in
            let id = try hubID(request)
            let body = JSONValue.object(try request.jsonObjectBody())
            let update = try APIError.decoding { () throws(ValidationFailure) in try HubUpdate.decode(body) }
            guard let hub = try await store.update(
                id: id, organisationID: principal.organisationID, name: update.name, isDefault: update.isDefault)
            else { throw notFound }
            return .json(.ok, hub.json(images: images))
        }

        router.on(.DELETE, "/hubs/:hub_id", context: context) { request, principal in
            let id = try hubID(request)
            guard try await store.delete(id: id, organisationID: principal.organisationID) else { throw notFound }
            return Response(status: .noContent)
        }
    }

    private static var notFound: APIError { .notFound(.hubNotFound, "hub") }

    private static func hubID(_ request: Request) throws(APIError) -> String {
        try TenantGuard.id(request, "hub_id", .hubNotFound, "hub")
    }
}
