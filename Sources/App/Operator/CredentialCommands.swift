import Cryptography
import JSON
import Logging
import Postgres

/// Key generation and rotation of stored credentials (`embedded-api credentials …`).
public enum CredentialCommands {
    /// A fresh `CREDENTIAL_KEYS` entry, e.g. `v1:<base64 32 bytes>`.
    public static func generateKey(version: String) -> String {
        KeyRing.generateKeySpecification(version: version)
    }

    /// Re-encrypts every credential, then every webhook signing secret, not under the newest key, in batches of
    /// `batchSize`, each committed on its own; interruptible and resumable. Rows other transactions hold locked
    /// are tried again until `lockWait` has passed. Reports progress through `progress(done, remaining)` and
    /// returns how many were re-encrypted once nothing is left under an older key. Otherwise throws
    /// `RotationIncomplete` (after finishing the rest): some blobs would not open with any key of the ring, or
    /// some rows stayed locked.
    public static func rotate(
        context: AppContext, batchSize: Int, lockWait: Duration = .seconds(60), progress: @Sendable (Int, Int) -> Void
    ) async throws -> Int {
        var rotation = CredentialRotation(
            vault: CredentialVault(keyRing: context.keyRing), database: context.database, batchSize: max(batchSize, 1))
        rotation.lockWait = lockWait
        let credentials = try await rotation.run(progress: progress)
        rotation.table = .webhookSecrets
        let webhooks = try await rotation.run { _, _ in }
        let rotated = credentials.rotated + webhooks.rotated
        if !credentials.failedIDs.isEmpty || !webhooks.failedIDs.isEmpty || credentials.left + webhooks.left > 0 {
            throw RotationIncomplete(
                rotated: rotated, failedCredentialIDs: credentials.failedIDs, failedWebhookIDs: webhooks.failedIDs,
                leftUnderOlderKeys: credentials.left + webhooks.left)
        }
        return rotated
    }
}

/// Rotation ended with credentials still under an older key: blobs that did not open (a key missing from
/// `CREDENTIAL_KEYS`, or damaged data), or rows other transactions held locked (or a stop) before they were
/// reached. No old key may be removed from `CREDENTIAL_KEYS` yet. Names only ids.
public struct RotationIncomplete: Error, Sendable, CustomStringConvertible {
    public var rotated: Int
    public var failedCredentialIDs: [String]
    /// Webhooks whose signing secret would not open.
    public var failedWebhookIDs: [String] = []
    /// Credentials and webhook secrets that would open but were not re-encrypted (locked by other transactions
    /// throughout).
    public var leftUnderOlderKeys: Int

    public var description: String {
        var parts = ["re-encrypted \(rotated) credentials and webhook secrets"]
        if leftUnderOlderKeys > 0 {
            parts.append("\(leftUnderOlderKeys) still under an older key (locked by other transactions); run again")
        }
        if !failedCredentialIDs.isEmpty {
            parts.append("\(failedCredentialIDs.count) could not be opened with any key in CREDENTIAL_KEYS: "
                + failedCredentialIDs.prefix(20).joined(separator: ", "))
        }
        if !failedWebhookIDs.isEmpty {
            parts.append("\(failedWebhookIDs.count) webhook secrets could not be opened with any key in CREDENTIAL_KEYS: "
                + failedWebhookIDs.prefix(20).joined(separator: ", "))
        }
        return parts.joined(separator: "; ") + "; keep every old key in CREDENTIAL_KEYS until rotation succeeds"
    }
}
