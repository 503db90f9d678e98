import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// `POST /activations`: ActivateIntegration, in three steps. One read checks everything that needs the
/// database; then each new connection is prepared by `ConnectionCreation` under CreateEndUserConnection's rules
/// (codes exchanged, secrets sealed) with no transaction open; then one transaction writes the activation row,
/// the new connections, the bindings and the variables, so any refusal leaves nothing behind. Order: body rules
/// (400), the integration (404009), the end user in its hub (404002, 403 for another user's token), deployment
/// (409009), the entries against the templates (400020), each new connection's bindings against its template's
/// scheme (400021), the variables (400023), an earlier activation (409008), existing connections (404005,
/// 400022), then each new connection's own checks in entry order.
enum ActivateIntegrationRoute {
    static func handle(_ request: Request, principal: Principal, creation: ConnectionCreation) async throws -> Response {
        let context = creation.context
        let json = JSONValue.object(try request.jsonObjectBody())
        let body = try await KeyMaterialOffLoop.decode(checkingWith: context.keyMaterial) { keyMaterial throws(APIError) in
            try APIError.decoding { () throws(ValidationFailure) in try ActivationCreate.decode(json, keyMaterial: keyMaterial) }
        }
        let lookup = try EndUserLookup.from(request, value: body.userId)
        try lookup.check(principal)
        let plan = try await context.database.withConnection { database in
            try await ActivationPlan.read(body, lookup: lookup, principal: principal, creation: creation, on: database)
        }
        var prepared: [ConnectionCreation.Prepared] = []
        for new in plan.newConnections {
            prepared.append(try await creation.prepare(new.connection, targets: new.targets, target: new.target, principal: principal))
        }
        do {
            let activation = try await context.database.withTransaction { database in
                try await write(plan, prepared: prepared, organisationID: principal.organisationID, on: database)
            }
            return .json(.ok, ActivationJSON.activation(activation, organisationID: principal.organisationID, context.configuration))
        } catch let error as DatabaseError {
            // A twin request that committed its activation first (the unique constraint), or a row it needs
            // deleted meanwhile: here the deferred key on a bound connection means the connection is gone.
            if error.sqlState == "23503", error.constraint == "activation_connections_connection_id_fkey" {
                throw APIError.notFound(.connectionNotFound, "connection")
            }
            throw ConstraintErrors.apiError(for: error) ?? error
        }
    }

    /// The activation row first (a twin request waits there on the unique constraint instead of writing
    /// connections), written only while the integration is still deployed; then the new connections and the
    /// bindings.
    private static func write(
        _ plan: ActivationPlan, prepared: [ConnectionCreation.Prepared], organisationID: String, on database: PGConnection
    ) async throws -> ActivationRecord {
        let id = ULID.generate().string
        let now = Timestamp.now()
        guard try await ActivationStore.insert(
            id: id, organisationID: organisationID, integration: plan.integration, endUserID: plan.endUser.id,
            variables: plan.variables, at: now, on: database)
        else { throw APIError.integrationNotDeployed }
        for connection in prepared {
            try await ConnectionCreation.insert(connection, inTransaction: database)
        }
        let made = zip(plan.newConnections, prepared).map {
            ActivationRecord.Link(templateID: $0.templateID, connectionID: $1.new.connection.id)
        }
        let links = (plan.existingLinks + made).sorted { $0.templateID < $1.templateID }
        try await ActivationStore.link(links, activationID: id, organisationID: organisationID, on: database)
        try await ActivationEvents.append(.activationCreated, activationID: id, organisationID: organisationID, on: database)
        return ActivationRecord(
            id: id, hubID: plan.integration.hubID, integration: plan.integration, endUser: plan.endUser,
            primaryConnection: try await ActivationRecord.primaryConnection(of: plan.endUser.id, on: database),
            dynamicVariables: plan.variables, connections: links, createdAt: now, updatedAt: now)
    }
}

extension APIError {
    static let integrationNotDeployed = APIError(
        .integrationNotDeployed, "the integration is not deployed; it cannot be activated yet")
}

/// What an activation will write, read and checked in one pass on one connection (no transaction): every
/// rule that needs the database, and for each new connection the read CreateEndUserConnection makes first.
struct ActivationPlan: Sendable {
    struct NewConnection: Sendable {
        var templateID: String
        /// With the template's scheme in each binding.
        var connection: ConnectionCreate
        var target: ConnectionCreation.Target
        var targets: CreationTargets
    }

    var integration: EmbeddedIntegrationRecord
    var endUser: EndUserRecord
    var variables: JSONObject
    var existingLinks: [ActivationRecord.Link]
    var newConnections: [NewConnection]

    static func read(
        _ body: ActivationCreate, lookup: EndUserLookup, principal: Principal, creation: ConnectionCreation,
        on database: PGConnection
    ) async throws -> ActivationPlan {
        let organisationID = principal.organisationID
        guard let integration = try await EmbeddedIntegrationRecord.find(
            id: body.integrationId.string, organisationID: organisationID, on: database)
        else { throw APIError.notFound(.integrationNotFound, "integration") }
        let endUser = try await EndUserResolution.read(
            organisationID: organisationID, hubID: integration.hubID, endUser: lookup, on: database
        ).require(principal)
        guard integration.isDeployed else { throw APIError.integrationNotDeployed }
        let matched = try ActivationRules.match(body.connections, templates: try await TemplateRecord.all(
            integrationID: integration.id, on: database))
        var existing: [ActivationRecord.Link] = []
        var rebound: [(templateID: String, connection: ConnectionCreate, target: ConnectionCreation.Target)] = []
        for item in matched {
            switch item.entry {
            case .existing(_, let connectionID, _):
                existing.append(ActivationRecord.Link(templateID: item.template.id, connectionID: connectionID.string))
            case .new(_, let connection, _):
                let target = ConnectionCreation.Target(
                    organisationID: organisationID, hubID: endUser.hubID, endUser: .internal(endUser.id),
                    connectorID: ULID(item.template.connectorID))
                rebound.append((item.template.id,
                                try ActivationRules.bindingTemplateScheme(connection, template: try item.template.scheme()),
                                target))
            }
        }
        let variables = try ActivationRules.variables(body.dynamicVariables, schema: try integration.compiledSchema())
        if try await ActivationRecord.find(integrationID: integration.id, endUserID: endUser.id, on: database) != nil {
            throw APIError.activationExists
        }
        try await ExistingConnections.check(matched, endUser: endUser, organisationID: organisationID, on: database)
        var newConnections: [NewConnection] = []
        for new in rebound {
            let targets = try await creation.readTargets(new.connection, target: new.target, principal: principal, on: database)
            newConnections.append(NewConnection(templateID: new.templateID, connection: new.connection, target: new.target, targets: targets))
        }
        return ActivationPlan(
            integration: integration, endUser: endUser, variables: variables, existingLinks: existing,
            newConnections: newConnections)
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
