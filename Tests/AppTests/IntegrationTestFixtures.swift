@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport

/// Integrations made through the API, and row counts read straight from the database.
extension TestApp {
    /// An integration of `hub`, its JSON answer.
    func createIntegration(
        _ organisation: TestOrganisation, hub: String, name: String = "Sync", extra: JSONValue = [:]
    ) async throws -> TestResponse {
        var body = JSONObject([("organisationId", .string(organisation.id)), ("name", .string(name))])
        for member in extra.objectValue ?? JSONObject() { body[member.key] = member.value }
        return try await expect(200, .POST, "/hubs/\(hub)/integrations", organisation, .object(body))
    }

    /// A connection template of `integration` around `connector`, with a `none` AuthSchemeConfig.
    func createTemplate(_ organisation: TestOrganisation, integration: String, connector: String) async throws -> String {
        let body: JSONValue = [
            "connectorId": .string(connector), "authSchemeConfig": ["id": "none-1", "description": "", "schemeType": "none"],
        ]
        return try await expect(200, .POST, "/integrations/\(integration)/connection-templates", organisation, body).string("id")
    }

    /// Rows of `table` (a fixed name written in a test) belonging to `organisation`.
    func count(_ table: String, of organisation: TestOrganisation) async throws -> Int {
        var sql = SQL(unsafe: "SELECT count(*) AS n FROM \(table) WHERE organisation_id = $1")
        sql.binds = [.text(organisation.id)]
        return try await context.database.withConnection { try await $0.query(sql).rows[0].int("n") }
    }

    /// An end user of `hub` with one connection to `connector`, and an activation of `integration` binding that
    /// connection to `template`, written directly (activations have their own routes elsewhere). Returns the
    /// connection's and the activation's ids.
    func insertActivation(
        _ organisation: TestOrganisation, hub: String, integration: String, template: String, connector: String
    ) async throws -> (connection: String, activation: String) {
        let (user, connection, activation) = (ULID.generate().string, ULID.generate().string, ULID.generate().string)
        let org = organisation.id
        try await context.database.withTransaction { database in
            _ = try await database.query("""
                INSERT INTO end_users (id, organisation_id, hub_id, external_id) VALUES (\(user), \(org), \(hub), \(user))
                """)
            _ = try await database.query("""
                INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name)
                VALUES (\(connection), \(org), \(user), \(connector), 'c')
                """)
            _ = try await database.query("""
                INSERT INTO activations (id, organisation_id, hub_id, integration_id, end_user_id)
                VALUES (\(activation), \(org), \(hub), \(integration), \(user))
                """)
            _ = try await database.query("""
                INSERT INTO activation_connections (activation_id, template_id, connection_id, organisation_id)
                VALUES (\(activation), \(template), \(connection), \(org))
                """)
        }
        return (connection, activation)
    }
}

/// What an error answer says: status, code and the `fields` paths, compared in one expectation.
struct Refusal: Equatable, CustomStringConvertible {
    var status: Int
    var code: String?
    var fields: [String]

    init(_ status: Int, _ code: String?, _ fields: [String] = []) {
        (self.status, self.code, self.fields) = (status, code, fields)
    }

    var description: String { "\(status) \(code ?? "-") \(fields)" }
}

extension TestResponse {
    var refusal: Refusal { Refusal(status, errorCode, errorFields) }
}
