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
        public let scopes: Set<APIKeyScope>
    }

    /// Makes an organisation and its first API key: `{"organisationId", "apiKeyId", "apiKey"}`.
    public static func createOrganisation(name: String, database: DatabasePool) async throws -> JSONValue {
        let created = try await makeOrganisation(name: name, database: database)
        return [
            "organisationId": .string(created.organisationID), "apiKeyId": .string(created.apiKeyID),
            "apiKey": .string(created.apiKey.value),
        ]
    }

    /// `{"apiKeyId", "apiKey", "scopes"}`. `scopes` are names of `APIKeyScope`; none gives the organisation scope.
    public static func createAPIKey(
        organisationID: String, scopes: [String] = [], database: DatabasePool
    ) async throws -> JSONValue {
        guard let parsed = scopes.isEmpty ? [.organisation] : APIKeyScope.parse(scopes) else {
            throw OperatorError.unknownScope
        }
        let created = try await makeAPIKey(organisationID: organisationID, scopes: parsed, database: database)
        return [
            "apiKeyId": .string(created.apiKeyID), "apiKey": .string(created.apiKey.value),
            "scopes": .array(created.scopes.sorted().map { .string($0.rawValue) }),
        ]
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

    public static func makeAPIKey(
        organisationID: String, scopes: Set<APIKeyScope> = [.organisation], database: DatabasePool
    ) async throws -> CreatedAPIKey {
        guard let organisationID = ULID(organisationID)?.string else { throw OperatorError.organisationNotFound }
        let keyID = ULID.generate().string
        let key = APIKeys.generate()
        let hash = APIKeys.hash(key.value)
        let scopeList = JSONValue.strings(scopes.sorted().map(\.rawValue))
        let inserted = try await database.withConnection { connection in
            try await connection.query("""
                INSERT INTO api_keys (id, organisation_id, key_hash, scopes)
                SELECT \(keyID), id, \(hash), ARRAY(SELECT jsonb_array_elements_text(\(scopeList.jsonText)::jsonb))
                FROM organisations WHERE id = \(organisationID)
                """).affectedRows
        }
        guard inserted == 1 else { throw OperatorError.organisationNotFound }
        return CreatedAPIKey(apiKeyID: keyID, apiKey: key, scopes: scopes)
    }
}

/// Why an operator command refused; printed by the CLI as is (it never contains a key).
public enum OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName
    case organisationNotFound
    case apiKeyNotFound
    case unknownScope

    public var description: String {
        switch self {
        case .invalidName: "the organisation name must be 1 to 200 characters"
        case .organisationNotFound: "no organisation has that id"
        case .apiKeyNotFound: "no unrevoked API key has that id"
        case .unknownScope:
            "unknown scope; known scopes: " + APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}
