@testable import App
import TestSupport
import HTTP1
import JSON
import Postgres

/// An organisation (with its API key) with a connector and a hub whose primary connector it is, all made as
/// a client would; `signingKey` signs end-user tokens when the test asked for one.
struct TestTenant: Sendable {
    let organisationID: String
    /// `Authorization: Bearer <the organisation's API key>`.
    let auth: HeaderFields
    let connectorID: String
    let hubID: String
    let signingKey: TestSigningKey?
    /// `Authorization: JWT …` for the end user `externalID`.
    func endUserAuth(_ externalID: String) throws -> HeaderFields {
        guard let signingKey else { throw FixtureError("the tenant was made without a signing key") }
        return try signingKey.auth(subject: externalID)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Rows an organisation owns in the tables a create writes.
struct RowCounts: Equatable, CustomStringConvertible {
    var endUsers = 0, connections = 0, credentials = 0, bindings = 0, idempotencyKeys = 0
    var description: String {
        "users \(endUsers), connections \(connections), credentials \(credentials), bindings \(bindings), keys \(idempotencyKeys)"
    }
}

func testID() -> String {
    let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    return "0" + String((0..<25).map { _ in alphabet.randomElement()! })
}

extension ConnectionsApp {
    func makeTenant(signingKey: Bool = false) async throws -> TestTenant {
        let created = try await OperatorCommands.makeOrganisation(name: "connections test", database: context.database)
        let organisationID = created.organisationID
        TestSecretsLedger.record([created.apiKey.value])
        let auth: HeaderFields = ["Authorization": "Bearer \(created.apiKey.value)"]
        let connectorID = try await makeConnector(organisationID, auth: auth)
        let hub = await request(.POST, "/hubs", auth: auth, json: [
            "organisationId": .string(organisationID), "name": "hub", "primaryConnectorId": .string(connectorID),
            "authSchemeConfig": ["id": "none-1", "description": "", "schemeType": "none"],
        ])
        guard hub.status == 201, let hubID = hub["id"]?.stringValue else { throw Unexpected(hub) }
        var key: TestSigningKey?
        if signingKey {
            let made = await request(.POST, "/organisations/\(organisationID)/keys", auth: auth, json: ["name": "k"])
            guard made.status == 201, let id = made["id"]?.stringValue, let pem = made["privateKey"]?.stringValue else { throw Unexpected(made) }
            TestSecretsLedger.record([pem])
            key = TestSigningKey(id: id, privateKeyPEM: pem)
        }
        return TestTenant(organisationID: organisationID, auth: auth, connectorID: connectorID, hubID: hubID, signingKey: key)
    }

    /// A connector of the organisation with one api-key scheme, made through the Connect API.
    func makeConnector(_ organisationID: String, auth: HeaderFields) async throws -> String {
        let made = await request(.POST, "/o/\(organisationID)/protocols/http/connectors", auth: auth, json: [
            "name": "connector", "baseUrl": "https://api.example.com",
            "authSchemeConfigs": [Bodies.apiKeyScheme()],
        ])
        guard made.status == 201, let id = made["id"]?.stringValue else { throw Unexpected(made) }
        return id
    }

    func rowCounts(_ organisationID: String) async throws -> RowCounts {
        try await context.database.withConnection { connection in
            let row = try await connection.query("""
                SELECT (SELECT count(*) FROM end_users WHERE organisation_id = \(organisationID)) AS users,
                       (SELECT count(*) FROM connections WHERE organisation_id = \(organisationID)) AS connections,
                       (SELECT count(*) FROM credentials WHERE organisation_id = \(organisationID)) AS credentials,
                       (SELECT count(*) FROM connection_credentials b JOIN connections c ON c.id = b.connection_id
                        WHERE c.organisation_id = \(organisationID)) AS bindings,
                       (SELECT count(*) FROM idempotency_keys WHERE organisation_id = \(organisationID)) AS keys
                """).rows[0]
            return RowCounts(
                endUsers: try row.int("users"), connections: try row.int("connections"),
                credentials: try row.int("credentials"), bindings: try row.int("bindings"),
                idempotencyKeys: try row.int("keys"))
        }
    }

    /// POST /hubs/{hub}/users with a primary connection holding one string credential; returns the body.
    func createEndUser(
        _ tenant: TestTenant, externalID: String, secret: String = "primary-secret", headers: HeaderFields = [:]
    ) async throws -> JSONValue {
        try await createEndUserAnswer(tenant, externalID: externalID, secret: secret, headers: headers).json ?? .null
    }

    /// `createEndUser`'s whole answer, headers included.
    func createEndUserAnswer(
        _ tenant: TestTenant, externalID: String, secret: String = "primary-secret", headers: HeaderFields = [:]
    ) async throws -> AppResponse {
        let response = await request(
            .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth,
            json: Bodies.endUser(externalID: externalID, secret: secret), headers: headers)
        guard response.status == 201, response.json != nil else { throw Unexpected(response) }
        return response
    }

    /// POST a connection for `externalID`; returns the response.
    func createConnection(
        _ tenant: TestTenant, user externalID: String, body: JSONValue, headers: HeaderFields = [:]
    ) async -> AppResponse {
        await request(
            .POST, "/hubs/\(tenant.hubID)/users/\(externalID)/connections", auth: tenant.auth, json: body,
            headers: headers)
    }
}

struct Unexpected: Error, CustomStringConvertible {
    let response: AppResponse
    init(_ response: AppResponse) { self.response = response }
    var description: String { "unexpected \(response.status): \(response.text)" }
}

/// Request bodies in the contract's shape.
enum Bodies {
    static func apiKeyScheme(_ id: String = "key-1") -> JSONValue {
        ["id": .string(id), "description": "API key", "schemeType": "api-key", "name": "X-Key", "in": "header"]
    }

    static func basicScheme(_ id: String = "basic-1") -> JSONValue {
        ["id": .string(id), "description": "basic", "schemeType": "basic-auth"]
    }

    static func stringCredential(_ secret: String, name: String = "api key") -> JSONValue {
        ["name": .string(name), "type": "string", "data": ["value": .string(secret)]]
    }

    static func basicCredential(password: String) -> JSONValue {
        ["name": "login", "type": "basic-auth", "data": ["username": "ada", "password": .string(password)]]
    }

    static func entry(_ scheme: JSONValue, _ credential: JSONValue) -> JSONValue {
        ["authSchemeConfig": scheme, "credential": credential]
    }

    static func connection(name: String, action: [JSONValue], trigger: [JSONValue] = []) -> JSONValue {
        [
            "name": .string(name), "variables": [["name": "region", "value": "eu"]],
            "credentials": ["action": .array(action), "trigger": .array(trigger)],
        ]
    }

    static func create(connectorID: String, name: String = "main", secret: String = "s3cr3t-value") -> JSONValue {
        [
            "connectorId": .string(connectorID),
            "connection": connection(name: name, action: [entry(apiKeyScheme(), stringCredential(secret))]),
        ]
    }

    static func endUser(externalID: String, secret: String) -> JSONValue {
        [
            "externalId": .string(externalID), "displayName": "Ada Lovelace",
            "primaryConnection": connection(name: "primary", action: [entry(apiKeyScheme(), stringCredential(secret))]),
        ]
    }
}
