import JSON
import Postgres

/// STUB owned by the tenancy work: what the operator does with the binary, without HTTP.
public enum OperatorCommands {
    /// Makes an organisation and its first API key: `{"organisationId": …, "apiKey": …}`.
    public static func createOrganisation(name: String, database: DatabasePool) async throws -> JSONValue {
        throw APIError(.notImplemented, "organisations create is not implemented yet")
    }

    /// `{"apiKeyId": …, "apiKey": …}`.
    public static func createAPIKey(organisationID: String, database: DatabasePool) async throws -> JSONValue {
        throw APIError(.notImplemented, "api-keys create is not implemented yet")
    }

    public static func revokeAPIKey(id: String, database: DatabasePool) async throws {
        throw APIError(.notImplemented, "api-keys revoke is not implemented yet")
    }
}
