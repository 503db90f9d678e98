import HTTP1
import HTTPServer
import JSON

/// Embedded API Hubs tag. Organisation API keys only: an end-user token gets 403.
enum HubRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let store = HubStore(database: context.database)

        router.on(.GET, "/o/:organisation_id/hubs", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "hubs") { $0.json })
        }

        router.on(.POST, "/hubs", context: context) { request, principal in
            let body = try request.jsonObjectBody()
            var v = BodyValidator()
            v.rejectUnknown(body, allowed: ["organisationId", "name", "primaryConnectorId", "authSchemeConfig"], at: "")
            let organisationID = v.string(body, "organisationId", at: "", maxLength: 64)
            let name = v.string(body, "name", at: "", maxLength: 200)
            let connectorID = v.string(body, "primaryConnectorId", at: "", maxLength: 64)
            let config = AuthSchemeConfigShim.validate(body["authSchemeConfig"], at: "authSchemeConfig", into: &v)
            try v.check()
            guard organisationID == principal.organisationID else {
                throw APIError.notFound(.organisationNotFound, "organisation")
            }
            guard let connectorID, Identifier.isWellFormed(connectorID), let name, let config,
                  let hub = try await store.insert(
                    organisationID: principal.organisationID, name: name, primaryConnectorID: connectorID,
                    authSchemeConfig: config)
            else { throw APIError.notFound(.connectorNotFound, "primary connector") }
            return .json(.created, hub.json, headers: ["Location": "/hubs/\(hub.id)"])
        }

        router.on(.GET, "/hubs/:hub_id", context: context) { request, principal in
            let id = try hubID(request)
            guard let hub = try await store.find(id: id, organisationID: principal.organisationID) else { throw notFound }
            return .json(.ok, hub.json)
        }

        router.on(.PATCH, "/hubs/:hub_id", context: context) { request, principal in
            let id = try hubID(request)
            let body = try request.jsonObjectBody()
            var v = BodyValidator()
            v.rejectUnknown(body, allowed: ["name", "isDefault"], at: "")
            let name = v.string(body, "name", at: "", required: false, maxLength: 200)
            let isDefault = v.bool(body, "isDefault", at: "")
            try v.check()
            guard let hub = try await store.update(
                id: id, organisationID: principal.organisationID, name: name, isDefault: isDefault)
            else { throw notFound }
            return .json(.ok, hub.json)
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
