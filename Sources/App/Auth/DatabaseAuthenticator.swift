import HTTP1
import HTTPServer
import Postgres

/// STUB owned by the tenancy work: API keys and end-user JWTs checked against the database.
struct DatabaseAuthenticator: Authenticating {
    let database: DatabasePool
    let clockSkewSeconds: Int

    func authenticate(_ request: Request) async throws -> Principal {
        throw APIError(.missingCredentials, "authentication is required", headers: ["WWW-Authenticate": "Bearer"])
    }
}
