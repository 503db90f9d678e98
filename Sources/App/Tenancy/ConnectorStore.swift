import Domain
import JSON
import Postgres

/// An HTTP connector as stored.
struct ConnectorRecord: Sendable {
    var id: String
    var organisationID: String
    var name: String
    var baseURL: String
    var authSchemeConfigs: [JSONValue]
    var connectionVariables: [JSONValue]
    /// nil: none was given; answered as the server's placeholder image.
    var imageURL: String?
    var createdAt: String
    var updatedAt: String

    /// Leading space included, to follow `SELECT` or `RETURNING`.
    static let columns = " connectors.id, connectors.organisation_id, connectors.name, connectors.base_url,"
        + " connectors.auth_scheme_configs, connectors.connection_variables, connectors.image_url,"
        + " connectors.created_at, connectors.updated_at"

    init(row: Row) throws {
        id = try row.string("id")
        organisationID = try row.string("organisation_id")
        name = try row.string("name")
        baseURL = try row.string("base_url")
        authSchemeConfigs = try row.jsonArray("auth_scheme_configs").map(AuthSchemeConfigAnswer.json)
        connectionVariables = try row.jsonArray("connection_variables")
        imageURL = try row.optionalString("image_url")
        createdAt = try row.timestamp("created_at")
        updatedAt = try row.timestamp("updated_at")
    }
}

/// What a new connector is made of, already validated, in its stored JSON form.
struct ConnectorDraft: Sendable {
    var name: String
    var baseURL: String
    var authSchemeConfigs: [JSONValue]
    var connectionVariables: [JSONValue]
    var imageURL: String?

    /// `tags` and `public` are accepted by the decoder and not kept. An oauth2 grant's `clientSecret` is stored
    /// as "" (secrets are never stored in clear; the connection request carries its own).
    init(_ create: ConnectorCreate) {
        name = create.name
        baseURL = create.baseUrl
        authSchemeConfigs = create.authSchemeConfigs.map { $0.jsonValue() }
        connectionVariables = create.connectionVariables.map(\.jsonValue)
        imageURL = create.imageUrl
    }
}

/// Connectors of one organisation; every statement is filtered by organisation_id.
struct ConnectorStore: Sendable {
    enum DeleteOutcome: Sendable { case deleted, notFound, inUse }

    let database: DatabasePool

    func insert(organisationID: String, draft: ConnectorDraft) async throws -> ConnectorRecord {
        let id = ULID.generate().string
        let configs = JSONValue.array(draft.authSchemeConfigs).jsonText
        let variables = JSONValue.array(draft.connectionVariables).jsonText
        return try await database.withConnection { connection in
            try ConnectorRecord(row: try await connection.query(.around("", """
                INSERT INTO connectors (id, organisation_id, name, base_url, auth_scheme_configs, connection_variables, image_url)
                VALUES (\(id), \(organisationID), \(draft.name), \(draft.baseURL), \(configs)::jsonb, \(variables)::jsonb,
                        \(draft.imageURL))
                RETURNING
                """, ConnectorRecord.columns)).rows[0])
        }
    }

    func list(organisationID: String, page: PageRequest) async throws -> Page<ConnectorRecord> {
        try await database.withConnection { connection in
            try await KeysetQuery.page(
                connection, select: "SELECT" + ConnectorRecord.columns + " FROM connectors", table: "connectors",
                organisationID: organisationID, page: page, id: \.id, decode: ConnectorRecord.init(row:))
        }
    }

    func find(id: String, organisationID: String) async throws -> ConnectorRecord? {
        try await database.withConnection { connection in
            try await connection.query(.around("SELECT" + ConnectorRecord.columns, """
                 FROM connectors WHERE id = \(id) AND organisation_id = \(organisationID)
                """)).rows.first.map(ConnectorRecord.init(row:))
        }
    }

    /// Refuses while a hub, a connection or an integration's connection template uses the connector (the foreign keys would refuse too, racing deletes
    /// included; the explicit check gives the precise answer).
    func delete(id: String, organisationID: String) async throws -> DeleteOutcome {
        do {
            return try await database.withTransaction { connection in
                let row = try await connection.query("""
                    SELECT EXISTS (SELECT 1 FROM hubs WHERE primary_connector_id = c.id)
                        OR EXISTS (SELECT 1 FROM connections WHERE connector_id = c.id)
                        OR EXISTS (SELECT 1 FROM connection_templates WHERE connector_id = c.id) AS in_use
                    FROM connectors c WHERE c.id = \(id) AND c.organisation_id = \(organisationID) FOR UPDATE
                    """).rows.first
                guard let row else { return .notFound }
                if try row.bool("in_use") { return .inUse }
                _ = try await connection.query("DELETE FROM connectors WHERE id = \(id) AND organisation_id = \(organisationID)")
                return .deleted
            }
        } catch let error as DatabaseError where error.isForeignKeyViolation {
            return .inUse
        }
    }

    /// Replaces the connector's authSchemeConfigs with `change(current)` under a row lock; nil when the connector
    /// is not in the organisation. `change` throws to refuse (e.g. an unknown config id). With `removing`, refuses
    /// with 409 while a hub built on this connector uses that config id.
    func updateAuthSchemeConfigs(
        id: String, organisationID: String, removing removedID: String? = nil,
        _ change: @escaping @Sendable ([JSONValue]) throws -> [JSONValue]
    ) async throws -> ConnectorRecord? {
        try await database.withTransaction { connection in
            let row = try await connection.query("""
                SELECT auth_scheme_configs FROM connectors
                WHERE id = \(id) AND organisation_id = \(organisationID) FOR UPDATE
                """).rows.first
            guard let row else { return nil }
            let configs = JSONValue.array(try change(try row.jsonArray("auth_scheme_configs"))).jsonText
            if let removedID, try await connection.query("""
                SELECT 1 FROM hubs WHERE primary_connector_id = \(id) AND organisation_id = \(organisationID)
                AND auth_scheme_config->>'id' = \(removedID) LIMIT 1
                """).rows.count > 0 {
                throw APIError(.authSchemeConfigInUse, "a hub built on this connector uses this auth scheme config")
            }
            return try ConnectorRecord(row: try await connection.query(.around("", """
                UPDATE connectors SET auth_scheme_configs = \(configs)::jsonb, updated_at = now()
                WHERE id = \(id) AND organisation_id = \(organisationID)
                RETURNING
                """, ConnectorRecord.columns)).rows[0])
        }
    }
}
