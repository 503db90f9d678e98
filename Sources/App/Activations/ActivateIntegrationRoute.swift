import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// `POST /activations`: ActivateIntegration. One statement reads the integration, the end user and the
/// templates, and the rules that need nothing more are checked on it (`CheckedActivation`). When every entry binds
/// an existing connection, one more statement on the write path checks the rest and writes
/// (`ActivationInOneStatement`). Otherwise the remaining checks and CreateEndUserConnection's reads run on one
/// connection, each new connection is prepared by `ConnectionCreation` under CreateEndUserConnection's rules
/// (codes exchanged, secrets sealed) with no transaction open, and one transaction writes the activation row,
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
        do {
            let activation = body.connections.allSatisfy(\.isExisting)
                ? try await bindingExistingConnections(body, lookup: lookup, principal: principal, context: context)
                : try await withNewConnections(body, lookup: lookup, principal: principal, creation: creation)
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

    /// Every entry binds an existing connection: one read, then one statement on the write path.
    private static func bindingExistingConnections(
        _ body: ActivationCreate, lookup: EndUserLookup, principal: Principal, context: AppContext
    ) async throws -> ActivationRecord {
        let organisationID = principal.organisationID
        let subject = try await context.database.reading { database in
            try await ActivationSubject.read(
                integrationID: body.integrationId.string, organisationID: organisationID, endUser: lookup, on: database)
        }
        let checked = try CheckedActivation(body, subject: subject, principal: principal)
        let wanted = ExistingConnections.wanted(checked.matched)
        let id = ULID.generate().string
        let now = Timestamp.now()
        let outcome = try await context.database.writing { database in
            try await ActivationInOneStatement.run(
                id: id, organisationID: organisationID, integration: checked.integration, endUserID: checked.endUser.id,
                wanted: wanted, variables: checked.variables, at: now, on: database)
        }
        guard outcome.written else { throw outcome.refusal(wanted) }
        let links = wanted.map { ActivationRecord.Link(templateID: $0.templateID, connectionID: $0.connectionID) }
        return ActivationRecord(
            id: id, hubID: checked.integration.hubID, integration: checked.integration, endUser: checked.endUser,
            primaryConnection: outcome.primaryConnection, dynamicVariables: checked.variables,
            connections: links.sorted { $0.templateID < $1.templateID }, createdAt: now, updatedAt: now)
    }

    /// Some entries bring a new connection: the checks and CreateEndUserConnection's reads on one connection,
    /// each new connection prepared with no transaction open, then one transaction.
    private static func withNewConnections(
        _ body: ActivationCreate, lookup: EndUserLookup, principal: Principal, creation: ConnectionCreation
    ) async throws -> ActivationRecord {
        let database = creation.context.database
        let plan = try await database.withConnection { database in
            try await ActivationPlan.read(body, lookup: lookup, principal: principal, creation: creation, on: database)
        }
        var prepared: [ConnectionCreation.Prepared] = []
        for new in plan.newConnections {
            prepared.append(try await creation.prepare(new.connection, targets: new.targets, target: new.target, principal: principal))
        }
        return try await database.withTransaction { database in
            try await write(plan, prepared: prepared, organisationID: principal.organisationID, on: database)
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
            id: id, organisationID: organisationID, integration: plan.checked.integration, endUserID: plan.checked.endUser.id,
            variables: plan.checked.variables, at: now, on: database)
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
            id: id, hubID: plan.checked.integration.hubID, integration: plan.checked.integration, endUser: plan.checked.endUser,
            primaryConnection: try await ActivationRecord.primaryConnection(of: plan.checked.endUser.id, on: database),
            dynamicVariables: plan.checked.variables, connections: links, createdAt: now, updatedAt: now)
    }
}

extension APIError {
    static let integrationNotDeployed = APIError(
        .integrationNotDeployed, "the integration is not deployed; it cannot be activated yet")
}

/// The rules every activation checks on what `ActivationSubject` read, in order: the integration (404009), the
/// end user in its hub (404002, 403 for another user's token), deployment (409009), the entries against the
/// templates (400020), each new connection's bindings against its template's scheme (400021), the variables
/// (400023).
struct CheckedActivation: Sendable {
    /// An entry's new connection, its bindings given the template's scheme.
    struct NewConnection: Sendable {
        var templateID: String
        var connectorID: String
        var connection: ConnectionCreate
    }

    var integration: IntegrationRecord
    var endUser: EndUserRecord
    var matched: [ActivationRules.Matched]
    var newConnections: [NewConnection]
    var variables: JSONObject

    init(_ body: ActivationCreate, subject: ActivationSubject?, principal: Principal) throws {
        guard let subject else { throw APIError.notFound(.integrationNotFound, "integration") }
        integration = subject.integration
        endUser = try subject.resolution.require(principal)
        guard integration.isDeployed else { throw APIError.integrationNotDeployed }
        matched = try ActivationRules.match(body.connections, templates: subject.templates)
        newConnections = try matched.compactMap { item in
            guard case .new(_, let connection, _) = item.entry else { return nil }
            return NewConnection(
                templateID: item.template.id, connectorID: item.template.connectorID,
                connection: try ActivationRules.bindingTemplateScheme(connection, template: try item.template.scheme()))
        }
        variables = try ActivationRules.variables(body.dynamicVariables, schema: try integration.compiledSchema())
    }
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

    var checked: CheckedActivation
    var existingLinks: [ActivationRecord.Link]
    var newConnections: [NewConnection]

    static func read(
        _ body: ActivationCreate, lookup: EndUserLookup, principal: Principal, creation: ConnectionCreation,
        on database: PGConnection
    ) async throws -> ActivationPlan {
        let organisationID = principal.organisationID
        let subject = try await ActivationSubject.read(
            integrationID: body.integrationId.string, organisationID: organisationID, endUser: lookup, on: database)
        let checked = try CheckedActivation(body, subject: subject, principal: principal)
        let (integration, endUser) = (checked.integration, checked.endUser)
        let existing = ExistingConnections.wanted(checked.matched).map {
            ActivationRecord.Link(templateID: $0.templateID, connectionID: $0.connectionID)
        }
        if try await ActivationRecord.find(integrationID: integration.id, endUserID: endUser.id, on: database) != nil {
            throw APIError.activationExists
        }
        try await ExistingConnections.check(checked.matched, endUser: endUser, organisationID: organisationID, on: database)
        var newConnections: [NewConnection] = []
        for new in checked.newConnections {
            let target = ConnectionCreation.Target(
                organisationID: organisationID, hubID: endUser.hubID, endUser: .internal(endUser.id),
                connectorID: ULID(new.connectorID))
            let targets = try await creation.readTargets(new.connection, target: target, principal: principal, on: database)
            newConnections.append(NewConnection(templateID: new.templateID, connection: new.connection, target: target, targets: targets))
        }
        return ActivationPlan(checked: checked, existingLinks: existing, newConnections: newConnections)
    }
}

/// The existing connections an activation binds: each the end user's (404005 otherwise, as if it did not exist)
/// and of its template's connector (400022), all read in one statement.
enum ExistingConnections {
    struct Wanted: Sendable {
        var field: String
        var templateID: String
        var connectionID: String
        var connectorID: String
    }

    /// The entries of `matched` that bind an existing connection.
    static func wanted(_ matched: [ActivationRules.Matched]) -> [Wanted] {
        matched.compactMap { item in
            guard case .existing(_, let connectionID, let field) = item.entry else { return nil }
            return Wanted(field: field, templateID: item.template.id, connectionID: connectionID.string,
                          connectorID: item.template.connectorID)
        }
    }

    static func check(
        _ matched: [ActivationRules.Matched], endUser: EndUserRecord, organisationID: String, on database: PGConnection
    ) async throws {
        let wanted = wanted(matched)
        guard !wanted.isEmpty else { return }
        let rows = try await database.query("""
            SELECT id, connector_id FROM connections
            WHERE id = ANY (ARRAY(SELECT json_array_elements_text(\(JSONValue.strings(wanted.map(\.connectionID)).jsonText)::json)))
              AND end_user_id = \(endUser.id) AND organisation_id = \(organisationID)
            """).rows
        var connectors: [String: String] = [:]
        for row in rows { connectors[try row.string("id")] = try row.string("connector_id") }
        if let refusal = refusal(wanted, found: connectors) { throw refusal }
    }

    /// The error for the wanted connections that are not among `found` (the end user's, id to connector id), or
    /// of another connector than their template's; nil when every one fits.
    static func refusal(_ wanted: [Wanted], found connectors: [String: String]) -> APIError? {
        let missing = wanted.filter { connectors[$0.connectionID] == nil }
        if !missing.isEmpty {
            return APIError(.connectionNotFound, "connection not found", fields: missing.map {
                APIError.Field(field: $0.field + ".connectionId", message: "no connection with this id for this end user")
            })
        }
        let foreign = wanted.filter { connectors[$0.connectionID] != $0.connectorID }
        if !foreign.isEmpty {
            return APIError(.connectionOfAnotherConnector, "a connection is not of its template's connector", fields: foreign.map {
                APIError.Field(field: $0.field + ".connectionId", message: "is a connection of another connector than the template's")
            })
        }
        return nil
    }
}

extension ActivationCreate.Entry {
    /// Binds a connection the end user already has.
    var isExisting: Bool {
        if case .existing = self { return true }
        return false
    }
}
