import Domain
import HTTP1
import JSON
public import Postgres

/// What the operator does with the binary, without HTTP: the only way to make the first organisation and key.
public enum OperatorCommands {
    /// The result of making an organisation; `apiKey` is the only copy of the key there will ever be.
    public struct CreatedOrganisation: Sendable {
        public let organisationID: String
        public let apiKeyID: String
        public let apiKey: APIKeySecret
    }

    /// The result of making an API key; `apiKey` is the only copy.
    public struct CreatedAPIKey: Sendable {
        public let apiKeyID: String
        public let apiKey: APIKeySecret
    }

    /// Makes an organisation and its first API key: `{"organisationId", "apiKeyId", "apiKey"}`.
    public static func createOrganisation(name: String, database: DatabasePool) async throws -> JSONValue {
        let created = try await makeOrganisation(name: name, database: database)
        return [
            "organisationId": .string(created.organisationID), "apiKeyId": .string(created.apiKeyID),
            "apiKey": .string(created.apiKey.value),
        ]
    }

    /// `{"apiKeyId", "apiKey"}`.
    public static func createAPIKey(organisationID: String, database: DatabasePool) async throws -> JSONValue {
        let created = try await makeAPIKey(organisationID: organisationID, database: database)
        return ["apiKeyId": .string(created.apiKeyID), "apiKey": .string(created.apiKey.value)]
    }

    /// Revokes a key; every later request with it is refused. Revoking twice is an error, so typos are noticed.
    public static func revokeAPIKey(id: String, database: DatabasePool) async throws {
        let revoked = try await database.withConnection { connection in
            try await connection.query("""
                UPDATE api_keys SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL
                """).affectedRows
        }
        guard revoked == 1 else { throw OperatorError.apiKeyNotFound }
    }

    public static func makeOrganisation(name: String, database: DatabasePool) async throws -> CreatedOrganisation {
        let name = String(name.trimmingOWS())
        guard !name.isEmpty, name.count <= 200 else { throw OperatorError.invalidName }
        let organisationID = ULID.generate().string
        let keyID = ULID.generate().string
        let key = APIKeys.generate()
        let hash = APIKeys.hash(key.value)
        try await database.withTransaction { connection in
            _ = try await connection.query("INSERT INTO organisations (id, name) VALUES (\(organisationID), \(name))")
            _ = try await connection.query("""
                INSERT INTO api_keys (id, organisation_id, key_hash) VALUES (\(keyID), \(organisationID), \(hash))
                """)
        }
        return CreatedOrganisation(organisationID: organisationID, apiKeyID: keyID, apiKey: key)
    }

    public static func makeAPIKey(organisationID: String, database: DatabasePool) async throws -> CreatedAPIKey {
        guard let organisationID = ULID(organisationID)?.string else { throw OperatorError.organisationNotFound }
        let keyID = ULID.generate().string
        let key = APIKeys.generate()
        let hash = APIKeys.hash(key.value)
        let inserted = try await database.withConnection { connection in
            try await connection.query("""
                INSERT INTO api_keys (id, organisation_id, key_hash)
                SELECT \(keyID), id, \(hash) FROM organisations WHERE id = \(organisationID)
                """).affectedRows
        }
        guard inserted == 1 else { throw OperatorError.organisationNotFound }
        return CreatedAPIKey(apiKeyID: keyID, apiKey: key)
    }
}

/// Why an operator command refused; printed by the CLI as is (it never contains a key).
public enum OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName
    case organisationNotFound
    case apiKeyNotFound

    public var description: String {
        switch self {
        case .invalidName: "the organisation name must be 1 to 200 characters"
        case .organisationNotFound: "no organisation has that id"
        case .apiKeyNotFound: "no unrevoked API key has that id"
        }
    }
}
