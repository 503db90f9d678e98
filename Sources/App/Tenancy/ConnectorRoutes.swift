import Domain
import HTTP1
import HTTPServer
import JSON

/// Connect API: HTTP connectors of the caller's organisation and their AuthSchemeConfigs.
enum ConnectorRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let store = ConnectorStore(database: context.database)
        let item = "/o/:organisation_id/connectors/:connector_id"
        let images = PlaceholderImage(configuration: context.configuration)

        router.on(.POST, "/o/:organisation_id/protocols/http/connectors", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let body = JSONValue.object(try request.jsonObjectBody())
            let create = try APIError.decoding { () throws(ValidationFailure) in try ConnectorCreate.decode(body) }
            let connector = try await store.insert(organisationID: organisationID, draft: ConnectorDraft(create))
            return .json(.created, connector.json(images: images), headers: ["Location": "/o/\(organisationID)/connectors/\(connector.id)"])
        }

        router.on(.GET, "/o/:organisation_id/connectors", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "connectors") { $0.json(images: images) })
        }

        router.on(.GET, item, context: context) { request, principal in
            let (organisationID, id) = try ids(request, principal)
            guard let connector = try await store.find(id: id, organisationID: organisationID) else { throw notFound }
            return .json(.ok, connector.json(images: images))
        }

        router.on(.DELETE, item, context: context) { request, principal in
            let (organisationID, id) = try ids(request, principal)
            switch try await store.delete(id: id, organisationID: organisationID) {
            case .deleted: return Response(status: .noContent)
            case .notFound: throw notFound
            case .inUse: throw APIError(.connectorInUse, "the connector is used by a hub, a connection or a connection template; delete those first")
            }
        }

        router.on(.PUT, item + "/auth-scheme-configs/:auth_scheme_config_id", context: context) { request, principal in
            let (organisationID, id) = try ids(request, principal)
            let configID = request.parameters["auth_scheme_config_id"] ?? ""
            let body = JSONValue.object(try request.jsonObjectBody())
            let config = try APIError.decoding { () throws(ValidationFailure) in try AuthSchemeConfig.decode(body) }
            guard config.id.hasSameBytes(as: configID) else {
                throw APIError.validation([.init(field: "id", message: "must equal the auth_scheme_config_id in the path")])
            }
            let stored = config.jsonValue()
            let updated = try await store.updateAuthSchemeConfigs(id: id, organisationID: organisationID) { configs in
                var configs = configs
                if let index = configs.firstIndex(where: { schemeID(of: $0).hasSameBytes(as: configID) }) {
                    configs[index] = stored
                } else {
                    configs.append(stored)
                }
                return configs
            }
            guard let updated else { throw notFound }
            return .json(.ok, updated.json(images: images))
        }

        router.on(.DELETE, item + "/auth-scheme-configs/:auth_scheme_config_id", context: context) { request, principal in
            let (organisationID, id) = try ids(request, principal)
            let configID = request.parameters["auth_scheme_config_id"] ?? ""
            let updated = try await store.updateAuthSchemeConfigs(id: id, organisationID: organisationID, removing: configID) { configs in
                guard configs.contains(where: { schemeID(of: $0).hasSameBytes(as: configID) }) else {
                    throw APIError.notFound(.authSchemeConfigNotFound, "auth scheme config")
                }
                return configs.filter { !schemeID(of: $0).hasSameBytes(as: configID) }
            }
            guard let updated else { throw notFound }
            return .json(.ok, updated.json(images: images))
        }
    }

    private static var notFound: APIError { .notFound(.connectorNotFound, "connector") }

    private static func ids(_ request: Request, _ principal: Principal) throws(APIError) -> (String, String) {
        let organisationID = try TenantGuard.organisation(request, principal)
        return (organisationID, try TenantGuard.id(request, "connector_id", .connectorNotFound, "connector"))
    }

    private static func schemeID(of config: JSONValue) -> String? { config.objectValue?["id"]?.stringValue }
}
