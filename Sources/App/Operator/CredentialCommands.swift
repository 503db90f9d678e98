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

    /// Re-encrypts every credential not under the newest key, in batches of `batchSize`, each committed on its
    /// own; interruptible and resumable. Reports progress through `progress(done, remaining)` and returns how
    /// many were re-encrypted. Throws `RotationIncomplete` (after finishing the rest) when some blobs would not
    /// open with any key of the ring.
    public static func rotate(
        context: AppContext, batchSize: Int, progress: @Sendable (Int, Int) -> Void
    ) async throws -> Int {
        let rotation = CredentialRotation(
            vault: CredentialVault(keyRing: context.keyRing), database: context.database, batchSize: max(batchSize, 1))
        let outcome = try await rotation.run(progress: progress)
        if !outcome.failedIDs.isEmpty {
            throw RotationIncomplete(rotated: outcome.rotated, failedCredentialIDs: outcome.failedIDs)
        }
        return outcome.rotated
    }
}

/// Rotation finished except for credentials whose blobs did not open (a key missing from `CREDENTIAL_KEYS`,
/// or damaged data). Names only ids.
public struct RotationIncomplete: Error, Sendable, CustomStringConvertible {
    public var rotated: Int
    public var failedCredentialIDs: [String]
    public var description: String {
        "re-encrypted \(rotated) credentials; \(failedCredentialIDs.count) could not be opened with any key in "
            + "CREDENTIAL_KEYS: \(failedCredentialIDs.prefix(20).joined(separator: ", "))"
    }
}
