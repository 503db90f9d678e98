@testable import App
import Cryptography
import Postgres
import Testing

/// `credentials rotate` re-seals webhook signing secrets too: after it succeeds the old key may leave
/// `CREDENTIAL_KEYS`, and every webhook still signs with the secret its receiver was given.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct WebhookSecretRotationTests {
    @Test func aWebhookSecretIsResealedUnderTheNewKeyAndOpensWithoutTheOld() async throws {
        let old = KeyRing.generateKeySpecification(version: "wo\(testID().prefix(8))")
        let new = KeyRing.generateKeySpecification(version: "wn\(testID().prefix(8))")
        let (tenant, webhook) = try await withConnectionsApp(credentialKeys: old) { app in
            let tenant = try await app.makeTenant()
            return (tenant, try await app.createWebhook(tenant, url: "https://localhost:9/hook"))
        }
        try await withConnectionsApp(credentialKeys: new + "," + old) { app in
            try await RotationLockedRowsTests.rotate(app)
            let row = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT sealed_secret, key_version FROM webhooks WHERE id = \(webhook.id)").rows[0]
            }
            #expect(try row.string("key_version") == app.context.keyRing.currentVersion)
            let onlyNew = try KeyRing(parsing: new)
            let secret = try WebhookSecret.open(
                try row.bytes("sealed_secret"), with: onlyNew, organisationID: tenant.organisationID, webhookID: webhook.id)
            #expect(secret.text == webhook.secret)
        }
    }
}
