import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// The Activations tag, the two dynamic-variable paths and GetEndUserConnection. All are open to end-user
/// tokens, each for its own end user only: an activation of another user answers 403 once found in the
/// organisation (foreign ids are 404).
enum ActivationRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let creation = ConnectionCreation(context: context)
        router.on(.POST, "/activations", context: context, access: .organisationOrEndUser) { request, principal in
            try await ActivateIntegrationRoute.handle(request, principal: principal, creation: creation)
        }
        router.on(.GET, "/activations/:activation_id", context: context, access: .organisationOrEndUser) { request, principal in
            let activation = try await context.database.withConnection { database in
                try await ownActivation(request, principal, on: database)
            }
            return .json(.ok, ActivationJSON.activation(activation, organisationID: principal.organisationID, context.configuration))
        }
        router.on(.DELETE, "/activations/:activation_id", context: context, access: .organisationOrEndUser) { request, principal in
            try await context.database.withTransaction { database in
                let activation = try await ownActivation(request, principal, on: database)
                try await ActivationEvents.append(
                    .activationDeleted, activationID: activation.id, organisationID: principal.organisationID, on: database)
                guard try await ActivationStore.delete(activationID: activation.id, on: database) else { throw notFound }
            }
            return Response(status: .noContent)
        }
        router.on(.PUT, "/activations/:activation_id/variables", context: context, access: .organisationOrEndUser) { request, principal in
            let body = JSONValue.object(try request.jsonObjectBody())
            let given = try APIError.decoding { () throws(ValidationFailure) in try DynamicVariables.decodeUpdate(body) }
            let stored = try await context.database.withTransaction { database in
                try await replaceVariables(given, of: try await ownActivation(request, principal, on: database), on: database)
            }
            return .json(.ok, ["dynamicVariables": .object(stored)])
        }
        registerUserVariables(on: &router, context: context)
        router.on(.GET, "/connection-templates/:connection_template_id/users/:user_id", context: context,
                  access: .organisationOrEndUser) { request, principal in
            try await EndUserConnectionRoute.handle(request, principal: principal, context: context)
        }
    }

    /// GetDynamicVariables and UpdateDynamicVariablesInternal: the variables of the path user's activation of the
    /// path integration (404011 when there is none).
    private static func registerUserVariables(on router: inout Router, context: AppContext) {
        let path = "/integrations/:integration_id/users/:user_id/variables"
        router.on(.GET, path, context: context, access: .organisationOrEndUser) { request, principal in
            let activation = try await context.database.withConnection { database in
                try await userActivation(request, principal, on: database)
            }
            return .json(.ok, .object(activation.dynamicVariables))
        }
        router.on(.PUT, path, context: context, access: .organisationOrEndUser) { request, principal in
            let given = try request.jsonObjectBody()
            _ = try await context.database.withTransaction { database in
                try await replaceVariables(given, of: try await userActivation(request, principal, on: database), on: database)
            }
            return Response(status: .noContent)
        }
    }

    private static var notFound: APIError { .notFound(.activationNotFound, "activation") }

    /// The path's activation in the caller's organisation (404011), if the caller may act on its end user (403).
    private static func ownActivation(_ request: Request, _ principal: Principal, on database: PGConnection) async throws -> ActivationRecord {
        let id = request.parameters["activation_id"] ?? ""
        guard let activation = try await ActivationRecord.find(id: id, organisationID: principal.organisationID, on: database)
        else { throw notFound }
        try EndUserScope.check(principal, owns: activation.endUser.externalID)
        return activation
    }

    /// The activation of `/integrations/{integration_id}/users/{user_id}`: the integration (404009), the user in
    /// its hub (404002, 403), then the activation (404011).
    private static func userActivation(_ request: Request, _ principal: Principal, on database: PGConnection) async throws -> ActivationRecord {
        let lookup = try EndUserLookup.from(request)
        try lookup.check(principal)
        guard let integration = try await IntegrationRecord.find(
            id: request.parameters["integration_id"] ?? "", organisationID: principal.organisationID, on: database)
        else { throw APIError.notFound(.integrationNotFound, "integration") }
        let endUser = try await EndUserResolution.read(
            organisationID: principal.organisationID, hubID: integration.hubID, endUser: lookup, on: database
        ).require(principal)
        guard let activation = try await ActivationRecord.find(integrationID: integration.id, endUserID: endUser.id, on: database)
        else { throw notFound }
        return activation
    }

    /// Checks `given` against the integration's schema, applies its defaults, stores it; answers what was stored.
    private static func replaceVariables(
        _ given: JSONObject, of activation: ActivationRecord, on database: PGConnection
    ) async throws -> JSONObject {
        let variables = try ActivationRules.variables(given, schema: try activation.integration.compiledSchema())
        guard try await ActivationStore.replaceVariables(activationID: activation.id, variables: variables, on: database) != nil
        else { throw notFound }
        return variables
    }
}

/// `GET /connection-templates/{connection_template_id}/users/{user_id}`: GetEndUserConnection, the connection
/// bound to that template in the end user's activation, as GetEndUserConnection's `Connection`.
enum EndUserConnectionRoute {
    static func handle(_ request: Request, principal: Principal, context: AppContext) async throws -> Response {
        let lookup = try EndUserLookup.from(request)
        try lookup.check(principal)
        let templateID = request.parameters["connection_template_id"] ?? ""
        let organisationID = principal.organisationID
        let connection = try await context.database.withConnection { database -> StoredConnection? in
            let hubs = try await database.query("""
                SELECT i.hub_id FROM connection_templates t JOIN integrations i ON i.id = t.integration_id
                WHERE t.id = \(templateID) AND t.organisation_id = \(organisationID)
                """).rows
            guard let hubID = try hubs.first?.string("hub_id") else { throw notFound }
            let endUser = try await EndUserResolution.read(
                organisationID: organisationID, hubID: hubID, endUser: lookup, on: database
            ).require(principal)
            let rows = try await database.query(SQL.joining([
                SQL(unsafe: """
                    SELECT \(StoredConnection.columns)
                    FROM activation_connections l
                    JOIN activations a ON a.id = l.activation_id
                    JOIN connections c ON c.id = l.connection_id
                    \(StoredConnection.bindingJoins)
                    """),
                "WHERE l.template_id = \(templateID) AND a.end_user_id = \(endUser.id)",
            ])).rows
            return try StoredConnection.decode(rows)
        }
        guard let connection else {
            throw APIError(.connectionTemplateNotFound, "the end user's activation binds no connection to this template")
        }
        return .json(.ok, ConnectionJSON.connection(connection, organisationID: organisationID))
    }

    private static var notFound: APIError { .notFound(.connectionTemplateNotFound, "connection template") }
}
