import Domain
import HTTP1
import HTTPServer
import JSON

/// Embedded API integrations, their connection templates and metadata. Organisation API keys only: an end-user
/// token gets 403. Anything outside the caller's organisation is 404.
enum IntegrationRoutes {
    static let collection = "/hubs/:hub_id/integrations"
    static let item = "/integrations/:integration_id"
    static let templates = item + "/connection-templates"
    static let metadata = item + "/metadata"

    static func register(on router: inout Router, context: AppContext) {
        let store = IntegrationStore(database: context.database)
        let templateStore = ConnectionTemplateStore(database: context.database)
        let images = PlaceholderImage(configuration: context.configuration)

        /// Order: body rules (400002), the schema (400010), `organisationId` (404007), the hub (404001), the
        /// template's connector (404003).
        router.on(.POST, collection, context: context) { request, principal in
            let hubID = try TenantGuard.id(request, "hub_id", .hubNotFound, "hub")
            let body = JSONValue.object(try request.jsonObjectBody())
            let create = try APIError.decoding { () throws(ValidationFailure) in try IntegrationCreate.decode(body) }
            if let schema = create.variablesSchema { _ = try IntegrationRules.compiledSchema(schema) }
            guard create.organisationId.string.hasSameBytes(as: principal.organisationID) else {
                throw APIError.notFound(.organisationNotFound, "organisation")
            }
            let integration = try await store.insert(
                organisationID: principal.organisationID, hubID: hubID, create: create)
            return .json(.ok, integration.json(images: images))
        }

        router.on(.GET, collection, context: context) { request, principal in
            let hubID = try TenantGuard.id(request, "hub_id", .hubNotFound, "hub")
            let page = try PageRequest.from(request)
            guard let result = try await store.list(
                organisationID: principal.organisationID, hubID: hubID, search: request.queryValue("search") ?? "", page: page)
            else { throw APIError.notFound(.hubNotFound, "hub") }
            // The reference's `ListIntegrations` (`total`, `integrations`) and the paging every list has.
            guard case .object(var object) = result.json(key: "integrations", { $0.json(images: images) }) else {
                throw InvariantViolation("a page renders as an object")
            }
            object.insert("total", .number(Double(result.totalCount)), at: 0)
            return .json(.ok, .object(object))
        }

        router.on(.GET, item, context: context) { request, principal in
            let id = try integrationID(request)
            guard let integration = try await store.find(id: id, organisationID: principal.organisationID) else { throw notFound }
            return .json(.ok, integration.json(images: images))
        }

        router.on(.PATCH, item, context: context) { request, principal in
            let id = try integrationID(request)
            let body = JSONValue.object(try request.jsonObjectBody())
            let update = try APIError.decoding { () throws(ValidationFailure) in try IntegrationUpdate.decode(body) }
            if case .replaced(let schema) = update.variablesSchema { _ = try IntegrationRules.compiledSchema(schema) }
            guard let integration = try await store.update(id: id, organisationID: principal.organisationID, update: update)
            else { throw notFound }
            return .json(.ok, integration.json(images: images))
        }

        router.on(.DELETE, item, context: context) { request, principal in
            let id = try integrationID(request)
            switch try await store.delete(id: id, organisationID: principal.organisationID) {
            case .deleted: return Response(status: .noContent)
            case .notFound: throw notFound
            case .deployed: throw APIError(.integrationDeployed, "the integration is deployed; undeploy it first (isDeployed: false)")
            }
        }

        /// Order: body rules (400002), the integration (404009), the connector (404003).
        router.on(.POST, templates, context: context) { request, principal in
            let id = try integrationID(request)
            let body = JSONValue.object(try request.jsonObjectBody())
            let create = try APIError.decoding { () throws(ValidationFailure) in try HubConnectionTemplateCreate.decode(body) }
            let template = try await templateStore.insert(integrationID: id, organisationID: principal.organisationID, template: create)
            return .json(.ok, template.json(images: images))
        }

        router.on(.GET, templates, context: context) { request, principal in
            let id = try integrationID(request)
            let page = try PageRequest.from(request)
            guard let result = try await templateStore.list(integrationID: id, organisationID: principal.organisationID, page: page)
            else { throw notFound }
            return .json(.ok, result.json(key: "connectionTemplates") { $0.json(images: images) })
        }

        /// Order: body rules (400002), the integration (404009), templates not of it (400011).
        router.on(.PUT, metadata, context: context) { request, principal in
            let id = try integrationID(request)
            let body = JSONValue.object(try request.jsonObjectBody())
            let metadata = try APIError.decoding { () throws(ValidationFailure) in try IntegrationMetadata.decode(body) }
            try await templateStore.setMetadata(
                integrationID: id, organisationID: principal.organisationID, used: metadata.usedConnectionTemplates.map(\.string))
            return Response(status: .noContent)
        }
    }

    private static var notFound: APIError { .notFound(.integrationNotFound, "integration") }

    private static func integrationID(_ request: Request) throws(APIError) -> String {
        try TenantGuard.id(request, "integration_id", .integrationNotFound, "integration")
    }
}
