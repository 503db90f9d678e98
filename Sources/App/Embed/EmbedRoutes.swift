import HTTP1
import HTTPServer
import JSON
import Postgres

/// The Embedded tag's reads for one end user (`/embed/{hub_id}/users/{user_id}/…`): what an embedded UI shows.
/// Open to end-user tokens for their own user.
enum EmbedRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let base = "/embed/:hub_id/users/:user_id"
        router.on(.GET, base + "/integrations", context: context, access: .organisationOrEndUser) { request, principal in
            try await ListEndUserIntegrationsRoute.handle(request, principal: principal, context: context)
        }
        router.on(.GET, base + "/integrations/:integration_id", context: context, access: .organisationOrEndUser) { request, principal in
            try await getEmbeddedIntegration(request, principal: principal, context: context)
        }
        router.on(.GET, base + "/activations", context: context, access: .organisationOrEndUser) { request, principal in
            try await ListEndUserActivationsRoute.handle(request, principal: principal, context: context)
        }
    }

    /// GetEmbeddedIntegration: an integration of the path's hub (404009), whether this user activated it, and
    /// the templates it uses.
    private static func getEmbeddedIntegration(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let integrationID = request.parameters["integration_id"] ?? ""
        return try await context.database.withConnection { database in
            let endUser = try await path.require(on: database)
            guard let integration = try await IntegrationRecord.find(
                id: integrationID, organisationID: principal.organisationID, on: database), integration.hubID == path.hubID
            else { throw APIError.notFound(.integrationNotFound, "integration") }
            let templates = try await TemplateRecord.all(integrationID: integration.id, on: database)
            let activated = try await ActivationRecord.find(
                integrationID: integration.id, endUserID: endUser.id, on: database) != nil
            return .json(.ok, ActivationJSON.embedded(
                integration, isActivated: activated, templates: templates, context.configuration))
        }
    }
}

/// ListEndUserIntegrations: the hub's integrations (`deployed`: `true` only deployed, `false` only undeployed,
/// absent all), each with `isActivated` for the path's user, and `totalConnected`, how many of the listed ones
/// that user activated. Path, count, total and page in one statement (`KeysetPage`).
enum ListEndUserIntegrationsRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let page = try PageRequest.from(request)
        // Three fixed shapes, no parameter: the filter is part of the text.
        let deployed: String = switch request.queryValue("deployed") {
        case nil: ""
        case "true": "AND t.is_deployed"
        case "false": "AND NOT t.is_deployed"
        default: throw APIError.invalidParameter("deployed", "must be true or false")
        }
        let filter = SQL(unsafe: "FROM integrations t WHERE t.hub_id = h.id \(deployed)")
        var scope = path.source
        scope.columns = SQL.joining([scope.columns, SQL(unsafe: """
            , (SELECT count(*) FROM activations a JOIN integrations t ON t.id = a.integration_id
               WHERE a.end_user_id = u.id AND t.hub_id = h.id \(deployed)) AS total_connected
            """)])
        let columns = SQL(unsafe: "t.id AS id, " + IntegrationRecord.Columns.integration.select(from: "t") + """
            , EXISTS (SELECT 1 FROM activations a WHERE a.integration_id = t.id AND a.end_user_id = u.id) AS is_activated
            """)
        let result = try await context.database.reading { database in
            try await KeysetPage.fetch(columns: columns, filter: filter, page: page, scope: scope, on: database)
        }
        _ = try EndUserResolution.decode(result.scope, lookup: path.lookup).require(principal)
        let fetched = try result.rows.map { row in
            (integration: try IntegrationRecord(row: row, columns: .integration), isActivated: try row.bool("is_activated"))
        }
        let paged = Page(fetched: fetched, totalCount: result.totalCount, request: page, id: \.integration.id)
        guard case .object(var body) = paged.json(key: "integrations", { item in
            .object(ActivationJSON.summary(item.integration, isActivated: item.isActivated, context.configuration))
        }) else { throw InvariantViolation("a page renders as an object") }
        body["totalConnected"] = .number(Double(try result.scope?.int("total_connected") ?? 0))
        return .json(.ok, .object(body))
    }
}

/// ListEndUserActivations: the path user's activations, optionally of one integration (`integration_id`).
enum ListEndUserActivationsRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let path = try EndUserPath(request, principal: principal)
        let page = try PageRequest.from(request)
        let from = "FROM activations t JOIN integrations i ON i.id = t.integration_id WHERE t.end_user_id = u.id"
        let filter: SQL = if let integrationID = request.queryValue("integration_id") {
            SQL.joining([SQL(unsafe: from), "AND t.integration_id = \(integrationID)::text"])
        } else {
            SQL(unsafe: from)
        }
        let columns = SQL(unsafe: "t.id, t.hub_id AS activation_hub_id, " + IntegrationRecord.aliasedColumns)
        let result = try await context.database.reading { database in
            try await KeysetPage.fetch(columns: columns, filter: filter, page: page, scope: path.source, on: database)
        }
        _ = try EndUserResolution.decode(result.scope, lookup: path.lookup).require(principal)
        let fetched = try result.rows.map { row in
            (id: try row.string("id"), hubID: try row.string("activation_hub_id"), integration: try IntegrationRecord(row: row, columns: .integration))
        }
        let paged = Page(fetched: fetched, totalCount: result.totalCount, request: page, id: \.id)
        return .json(.ok, paged.json(key: "activations") { item in
            ActivationJSON.endUserActivation(id: item.id, hubID: item.hubID, integration: item.integration, context.configuration)
        })
    }
}
