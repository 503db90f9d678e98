@testable import App
import Cryptography
import JSON
import Postgres
import TestSupport
import Testing

/// Reads a stored credential and checks the vault's promises: the sealed blob opens to exactly the secrets
/// sent, under the ring's current key, and `public_data` contains none of them.
enum VaultProbe {
    static func expectSealed(
        _ app: ConnectionsApp, credentialID: String, organisationID: String, secrets: JSONValue,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let row = try await app.context.database.withConnection { connection in
            try await connection.query("""
                SELECT id, organisation_id, public_data::text AS public_data, sealed_secrets, key_version FROM credentials
                WHERE id = \(credentialID) AND organisation_id = \(organisationID)
                """).rows.first
        }
        let stored = try #require(row, sourceLocation: sourceLocation)
        let vault = CredentialVault(keyRing: app.context.keyRing)
        let opened = try vault.open(stored)
        // Same members, in any order.
        let sorted = { (object: JSONObject) in object.members.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
        guard case .object(let expected) = secrets else { Issue.record("secrets must be an object"); return }
        #expect(sorted(opened) == sorted(expected), sourceLocation: sourceLocation)
        #expect(try stored.string("key_version") == app.context.keyRing.currentVersion, sourceLocation: sourceLocation)
        let publicData = try stored.string("public_data")
        guard case .object(let secretFields) = secrets else { return }
        for (_, value) in secretFields {
            if case .string(let secret) = value, !secret.isEmpty {
                #expect(!publicData.contains(secret), sourceLocation: sourceLocation)
            }
        }
    }
}
