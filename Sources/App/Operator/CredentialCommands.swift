import Cryptography
import JSON
import Logging
import Postgres

/// STUB owned by the vault work: key generation and rotation of stored credentials.
public enum CredentialCommands {
    /// A fresh `CREDENTIAL_KEYS` entry, e.g. `v1:<base64 32 bytes>`.
    public static func generateKey(version: String) -> String {
        KeyRing.generateKeySpecification(version: version)
    }

    /// Re-encrypts every credential not under the newest key, in batches; resumable. Reports progress through
    /// `progress(done, remaining)`.
    public static func rotate(
        context: AppContext, batchSize: Int, progress: @Sendable (Int, Int) -> Void
    ) async throws -> Int {
        throw APIError(.notImplemented, "credentials rotate is not implemented yet")
    }
}
