import Domain
import JSON
import Postgres

/// A hub with what its primary connector contributes to the `Hub` schema.
struct HubRecord: Sendable {
    var id: String
    var organisationID: String
    var name: String
    var primaryConnectorID: String
    var connectorName: String
    var connectorVariables: [JSONValue]
    var connectorImageURL: String?
    var authSchemeConfig: JSONValue
    var isDefault: Bool
    var createdAt: String
    var updatedAt: String

    static let select = """
        SELECT hubs.id, hubs.organisation_id, hubs.name, hubs.primary_connector_id, hubs.auth_scheme_config,
               hubs.is_default, hubs.created_at, hubs.updated_at,
               connectors.name AS connector_name, connectors.connection_variables AS connector_variables,
               connectors.image_url AS connector_image_url
        FROM hubs JOIN connectors ON connectors.id = hubs.primary_connector_id
        """

    init(row: Row) throws {
        id = try row.string("id")
        organisationID = try row.string("organisation_id")
        name = try row.string("name")
        primaryConnectorID = try row.string("primary_connector_id")
        connectorName = try row.string("connector_name")
        connectorVariables = try row.jsonArray("connector_variables")
        connectorImageURL = try row.optionalString("connector_image_url")
        authSchemeConfig = AuthSchemeConfigAnswer.json(try row.json("auth_scheme_config"))
        isDefault = try row.bool("is_default")
        createdAt = try row.timestamp("created_at")
        updatedAt = try row.timestamp("updated_at")
    }
}

/// Hubs of one organisation; every statement is filtered by organisation_id.
struct HubStore: Sendable {
    let database: DatabasePool

    /// nil when the primary connector is not in the organisation.
    func insert(
        organisationID: String, name: String, primaryConnectorID: String, authSchemeConfig: JSONValue
    ) async throws -> HubRecord? {
        let id = ULID.generate().string
        let config = authSchemeConfig.jsonText
        return try await database.withTransaction { connection in
            let inserted = try await connection.query("""
                INSERT INTO hubs (id, organisation_id, name, primary_connector_id, auth_scheme_config)
                SELECT \(id), organisation_id, \(name), id, \(config)::jsonb FROM connectors
                WHERE id = \(primaryConnectorID) AND organisation_id = \(organisationID)
                """).affectedRows
            guard inserted == 1 else { return nil }
            return try await Self.find(connection, id: id, organisationID: organisationID)
        }
    }

    func list(organisationID: String, page: PageRequest) async throws -> Page<HubRecord> {
        try await database.withConnection { connection in
            try await KeysetQuery.page(
                connection, select: HubRecord.select, table: "hubs", organisationID: organisationID, page: page,
                id: \.id, decode: HubRecord.init(row:))
        }
    }

    func find(id: String, organisationID: String) async throws -> HubRecord? {
        try await database.withConnection { connection in try await Self.find(connection, id: id, organisationID: organisationID) }
    }

    /// Applies `name` and `isDefault` (each only when given). Making a hub the default unsets the previous default
    /// in the same transaction; the organisation row lock serialises concurrent changes of the default.
    func update(id: String, organisationID: String, name: String?, isDefault: Bool?) async throws -> HubRecord? {
        try await database.withTransaction { connection in
            _ = try await connection.query("SELECT id FROM organisations WHERE id = \(organisationID) FOR NO KEY UPDATE")
            guard try await Self.find(connection, id: id, organisationID: organisationID) != nil else { return nil }
            if isDefault == true {
                _ = try await connection.query("""
                    UPDATE hubs SET is_default = false, updated_at = now()
                    WHERE organisation_id = \(organisationID) AND is_default AND id <> \(id)
                    """)
            }
            _ = try await connection.query("""
                UPDATE hubs SET name = coalesce(\(name), name), is_default = coalesce(\(isDefault), is_default),
                    updated_at = now()
                WHERE id = \(id) AND organisation_id = \(organisationID)
                """)
            return try await Self.find(connection, id: id, organisationID: organisationID)
        }
    }

    /// Deletes the hub, its end users and their connections (foreign-key cascades, each connection with its
    /// `connection.deleted` event), then the credentials those connections used that no other connection binds.
    /// False when the hub is not in the organisation.
    func delete(id: String, organisationID: String) async throws -> Bool {
        try await database.withTransaction { connection in
            let credentialIDs = try await CredentialCleanup.boundCredentialIDs(
                where: "c.organisation_id = \(organisationID) AND c.end_user_id IN (SELECT id FROM end_users WHERE hub_id = \(id))",
                on: connection)
            try await ConnectionEvents.appendDeletedWithEndUsers(
                where: "u.hub_id = \(id)", organisationID: organisationID, on: connection)
            try await ActivationEvents.appendDeleted(
                where: "u.hub_id = \(id)", organisationID: organisationID, on: connection)
            let deleted = try await connection.query("""
                DELETE FROM hubs WHERE id = \(id) AND organisation_id = \(organisationID)
                """).affectedRows
            guard deleted == 1 else { return false }
            try await CredentialCleanup.deleteUnbound(credentialIDs, on: connection)
            return true
        }
    }

    private static func find(_ connection: PGConnection, id: String, organisationID: String) async throws -> HubRecord? {
        try await connection.query(.around(HubRecord.select, """
             WHERE hubs.id = \(id) AND hubs.organisation_id = \(organisationID)
            """)).rows.first.map(HubRecord.init(row:))
    }
}
