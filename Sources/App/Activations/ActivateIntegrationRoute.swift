import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// `POST /activations`: ActivateIntegration. One transaction holds the activation row, the new connections
/// (made by `ConnectionCreation` under CreateEndUserConnection's rules), the existing ones it binds and the
/// variables: any refusal leaves nothing behind. Order: body rules (400), the integration (404009), the end user
/// in its hub (404002, 403 for another user's token), deployment (409009), the entries against the templates
/// (400020), the variables (400023), an earlier activation (409008), existing connections (404005, 400022), then
/// each new connection's own checks in entry order.
enum ActivateIntegrationRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let context = creation.context
        let json = JSONValue.object(try request.jsonObjectBody())
        let body = try await KeyMaterialOffLoop.decode(checkingWith: context.keyMaterial) { keyMaterial throws(APIError) in
            try APIError.decoding { () throws(ValidationFailure) in try ActivationCreate.decode(json, keyMaterial: keyMaterial) }
        }
        let lookup = try EndUserLookup.from(request, value: body.userId)
        try lookup.check(principal)
        do {
            let activation = try await context.database.withTransaction { database in
                try await activate(body, lookup: lookup, principal: principal, creation: creation, on: database)
            }
            return .json(.ok, ActivationJSON.activation(activation, context.configuration))
        } catch let error as DatabaseError {
            // A twin request that committed its activation first (the unique constraint), or a row it needs
            // deleted meanwhile.
            throw ConstraintErrors.apiError(for: error) ?? error
        }
    }

    private static func activate(
        _ body: ActivationCreate, lookup: EndUserLookup, principal: Principal, creation: ConnectionCreation,
        on database: PGConnection
    ) async throws -> ActivationRecord {
        let organisationID = principal.organisationID
        guard let integration = try await IntegrationRecord.find(
            id: body.integrationId.string, organisationID: organisationID, on: database)
        else { throw APIError.notFound(.integrationNotFound, "integration") }
        let endUser = try await EndUserResolution.read(
            organisationID: organisationID, hubID: integration.hubID, endUser: lookup, on: database
        ).require(principal)
        guard integration.isDeployed else {
            throw APIError(.integrationNotDeployed, "the integration is not deployed; it cannot be activated yet")
        }
        let matched = try ActivationRules.match(body.connections, templates: try await TemplateRecord.all(
            integrationID: integration.id, on: database))
        let variables = try ActivationRules.variables(body.dynamicVariables, schema: try integration.compiledSchema())
        if try await ActivationRecord.find(integrationID: integration.id, endUserID: endUser.id, on: database) != nil {
            throw APIError.activationExists
        }
        try await ExistingConnections.check(matched, endUser: endUser, organisationID: organisationID, on: database)
        let id = ULID.generate().string
        let now = Timestamp.now()
        // The row first: a twin request waits here on the unique constraint instead of making connections.
        try await ActivationStore.insert(
            id: id, organisationID: organisationID, integration: integration, endUserID: endUser.id,
            variables: variables, at: now, on: database)
        var links: [ActivationRecord.Link] = []
        for item in matched {
            links.append(ActivationRecord.Link(
                templateID: item.template.id,
                connectionID: try await connectionID(item, endUser: endUser, principal: principal, creation: creation, on: database)))
        }
        try await ActivationStore.link(links, activationID: id, organisationID: organisationID, on: database)
        return ActivationRecord(
            id: id, hubID: integration.hubID, integration: integration, endUser: endUser, dynamicVariables: variables,
            connections: links.sorted { $0.templateID < $1.templateID }, createdAt: now, updatedAt: now)
    }

    /// The entry's connection: the existing one it names, or one made now with the template's connector and scheme.
    private static func connectionID(
        _ item: ActivationRules.Matched, endUser: EndUserRecord, principal: Principal, creation: ConnectionCreation,
        on database: PGConnection
    ) async throws -> String {
        switch item.entry {
        case .existing(_, let connectionID, _):
            return connectionID.string
        case .new(_, let connection, _):
            let rebound = try ActivationRules.bindingTemplateScheme(connection, template: try item.template.scheme())
            let target = ConnectionCreation.Target(
                organisationID: principal.organisationID, hubID: endUser.hubID, endUser: .internal(endUser.id),
                connectorID: ULID(item.template.connectorID))
            return try await creation.create(rebound, target: target, principal: principal, inTransaction: database).id
        }
    }
}

/// The existing connections an activation binds: each the end user's (404005 otherwise, as if it did not exist)
/// and of its template's connector (400022), all read in one statement.
enum ExistingConnections {
    static func check(
        _ matched: [ActivationRules.Matched], endUser: EndUserRecord, organisationID: String, on database: PGConnection
    ) async throws {
        var wanted: [(field: String, connectionID: String, connectorID: String)] = []
        for item in matched {
            if case .existing(_, let connectionID, let field) = item.entry {
                wanted.append((field, connectionID.string, item.template.connectorID))
            }
        }
        guard !wanted.isEmpty else { return }
        let rows = try await database.query("""
            SELECT id, connector_id FROM connections
            WHERE id = ANY (ARRAY(SELECT json_array_elements_text(\(JSONValue.strings(wanted.map(\.connectionID)).jsonText)::json)))
              AND end_user_id = \(endUser.id) AND organisation_id = \(organisationID)
            """).rows
        var connectors: [String: String] = [:]
        for row in rows { connectors[try row.string("id")] = try row.string("connector_id") }
        let missing = wanted.filter { connectors[$0.connectionID] == nil }
        if !missing.isEmpty {
            throw APIError(.connectionNotFound, "connection not found", fields: missing.map {
                APIError.Field(field: $0.field + ".connectionId", message: "no connection with this id for this end user")
            })
        }
        let foreign = wanted.filter { connectors[$0.connectionID] != $0.connectorID }
        if !foreign.isEmpty {
            throw APIError(.connectionOfAnotherConnector, "a connection is not of its template's connector", fields: foreign.map {
                APIError.Field(field: $0.field + ".connectionId", message: "is a connection of another connector than the template's")
            })
        }
    }
}
