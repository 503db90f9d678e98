@testable import App
import Cryptography
import Domain
import HTTP1
import JSON
import Postgres
import Synchronization
import TestSupport
import Testing

struct VaultSealingTests {
    private let vault = CredentialVault(keyRing: try! KeyRing(parsing: KeyRing.generateKeySpecification(version: "v1")))

    @Test func sealedSecretsOpenOnlyForTheirOwnCredential() throws {
        let secrets = JSONObject([("password", "hunter2")])
        let sealed = try vault.seal(secrets, organisationID: "O1", credentialID: "C1")
        #expect(sealed.keyVersion == "v1")
        #expect(try vault.open(sealed.bytes, organisationID: "O1", credentialID: "C1") == secrets)
        #expect(throws: (any Error).self) { try vault.open(sealed.bytes, organisationID: "O1", credentialID: "C2") }
        #expect(throws: (any Error).self) { try vault.open(sealed.bytes, organisationID: "O2", credentialID: "C1") }
        #expect(!String(decoding: sealed.bytes, as: UTF8.self).contains("hunter2"))
        #expect(!"\(sealed)".contains("hunter2"))
    }

    @Test func credentialsAndExchangeRequestsPrintNoSecret() {
        let credential = ValidatedCredential(
            name: "n", type: .string, publicData: JSONObject([("value", "")]), secretData: JSONObject([("value", "hunter2")]))
        #expect(!"\(credential)".contains("hunter2"))
        #expect(!String(reflecting: credential).contains("hunter2"))
        let exchange = OAuthCodeExchangeRequest(
            organisationID: "O", tokenURL: "https://x", code: "c0de", state: "s", clientID: nil, clientSecret: "cs")
        #expect("\(exchange)" == "****")
        #expect(String(reflecting: exchange) == "****")
    }
}

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct VaultRotationTests {
    @Test func rotationReSealsUnderTheNewestKeyInBatchesAndResumes() async throws {
        let old = KeyRing.generateKeySpecification(version: "old\(testID().prefix(6))")
        let new = KeyRing.generateKeySpecification(version: "new\(testID().prefix(6))")
        let tenant = try await withConnectionsApp(credentialKeys: old) { app in
            let tenant = try await app.makeTenant()
            for index in 0..<5 { _ = try await app.createEndUser(tenant, externalID: "r\(index)", secret: "ROT-\(index)") }
            return tenant
        }
        try await withConnectionsApp(credentialKeys: new + "," + old) { app in
            // The database is shared with other tests whose credentials are under keys this ring lacks: those
            // are reported as failures and left alone; this tenant's must all rotate.
            let progress = ProgressLog()
            let rotation = CredentialRotation(
                vault: CredentialVault(keyRing: app.context.keyRing), database: app.context.database, batchSize: 2)
            // Other suites write credentials concurrently and SKIP LOCKED passes over rows they hold, so one run
            // may leave some behind: resuming must finish the job (that is the resumability being tested).
            var outcome = try await rotation.run { done, remaining in progress.record(done, remaining) }
            var rotated = outcome.rotated
            for _ in 0..<5 where try await Self.pending(app, tenant.organisationID) > 0 {
                outcome = try await rotation.run { _, _ in }
                rotated += outcome.rotated
            }
            #expect(rotated >= 5)
            #expect(progress.entries.count >= 3)
            let rows = try await app.context.database.withConnection { connection in
                try await connection.query("""
                    SELECT id, key_version FROM credentials WHERE organisation_id = \(tenant.organisationID) ORDER BY id
                    """).rows
            }
            #expect(rows.count == 5)
            for row in rows {
                #expect(try row.string("key_version") == app.context.keyRing.currentVersion)
                #expect(!outcome.failedIDs.contains(try row.string("id")))
            }
            let users = await app.request(.GET, "/hubs/\(tenant.hubID)/users", auth: tenant.auth)
            #expect(users["totalCount"] == 5)
            // Every blob opens under the new ring to the secret it was made with.
            for index in 0..<5 {
                let user = await app.request(.GET, "/hubs/\(tenant.hubID)/users/r\(index)", auth: tenant.auth)
                let id = try #require(user["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"]?.stringValue)
                try await VaultProbe.expectSealed(
                    app, credentialID: id, organisationID: tenant.organisationID, secrets: ["value": .string("ROT-\(index)")])
            }
            // Nothing of this tenant is left under the old key.
            #expect(try await Self.pending(app, tenant.organisationID) == 0)
            #expect(await app.request(.GET, "/hubs/\(tenant.hubID)/users/r0", auth: tenant.auth).status == 200)
        }
    }

    static func pending(_ app: ConnectionsApp, _ organisationID: String) async throws -> Int {
        let current = app.context.keyRing.currentVersion
        return try await app.context.database.withConnection { connection in
            try await connection.query("""
                SELECT count(*)::int AS n FROM credentials
                WHERE organisation_id = \(organisationID) AND key_version <> \(current)
                """).rows[0].int("n")
        }
    }
}

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct VaultRotationResumeTests {
    @Test func anInterruptedRotationKeepsWhatItDidAndTheNextRunFinishes() async throws {
        let old = KeyRing.generateKeySpecification(version: "o\(testID().prefix(8))")
        let new = KeyRing.generateKeySpecification(version: "n\(testID().prefix(8))")
        let tenant = try await withConnectionsApp(credentialKeys: old) { app in
            let tenant = try await app.makeTenant()
            for index in 0..<4 { _ = try await app.createEndUser(tenant, externalID: "i\(index)", secret: "INT-\(index)") }
            return tenant
        }
        try await withConnectionsApp(credentialKeys: new + "," + old) { app in
            let rotation = CredentialRotation(
                vault: CredentialVault(keyRing: app.context.keyRing), database: app.context.database, batchSize: 1)
            // Stopped (as by Ctrl-C between batches) right after the first committed batch.
            let first = try await Task {
                try await rotation.run { _, _ in withUnsafeCurrentTask { $0?.cancel() } }
            }.value
            // One batch of one credential: rotated, or (another test's, under a key this ring lacks) failed.
            #expect(first.rotated + first.failedIDs.count == 1)
            let versions = { () async throws -> [String] in
                try await app.context.database.withConnection { connection in
                    try await connection.query("""
                        SELECT key_version FROM credentials WHERE organisation_id = \(tenant.organisationID)
                        """).rows.map { try $0.string("key_version") }
                }
            }
            #expect(try await versions().filter { $0 == app.context.keyRing.currentVersion }.count <= 1)
            // Another suite's rotation may hold this tenant's rows FOR UPDATE for a moment (it cannot open them and
            // leaves them alone), and SKIP LOCKED passes over them: running again must finish the job.
            for _ in 0..<5 {
                _ = try await rotation.run { _, _ in }
                if try await versions().allSatisfy({ $0 == app.context.keyRing.currentVersion }) { break }
            }
            #expect(try await versions().allSatisfy { $0 == app.context.keyRing.currentVersion })
        }
    }
}

final class ProgressLog: Sendable {
    private let storage = Mutex<[(Int, Int)]>([])
    func record(_ done: Int, _ remaining: Int) { storage.withLock { $0.append((done, remaining)) } }
    var entries: [(Int, Int)] { storage.withLock { $0 } }
}
