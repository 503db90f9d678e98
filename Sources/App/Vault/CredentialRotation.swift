import Cryptography
import JSON
import Postgres

/// Re-seals stored credentials under the newest key, a batch per transaction. Rows are locked with
/// `FOR UPDATE SKIP LOCKED`, so rotation runs beside live traffic (and beside another rotation); each batch
/// commits on its own, so stopping loses at most one batch and running again resumes where it stopped.
struct CredentialRotation: Sendable {
    let vault: CredentialVault
    let database: DatabasePool
    let batchSize: Int

    struct Outcome: Sendable, Equatable {
        var rotated: Int
        /// Credentials whose blob would not open (unknown key version, tampered data): left as they are.
        var failedIDs: [String]
    }

    /// Rotates until no row on an older key is left (or only failures are). `progress(done, remaining)` after
    /// each batch. Cancellation stops between batches.
    func run(progress: (Int, Int) -> Void) async throws -> Outcome {
        var outcome = Outcome(rotated: 0, failedIDs: [])
        var cursor = ""
        while !Task.isCancelled {
            let batch = try await database.withTransaction { [vault, batchSize, cursor] connection in
                try await Self.rotateBatch(after: cursor, limit: batchSize, vault: vault, on: connection)
            }
            guard let last = batch.lastID else { break }
            cursor = last
            outcome.rotated += batch.rotated
            outcome.failedIDs += batch.failedIDs
            progress(outcome.rotated, batch.remaining)
        }
        return outcome
    }

    struct Batch: Sendable {
        var lastID: String?
        var rotated: Int
        var failedIDs: [String]
        var remaining: Int
    }

    /// One batch: lock, open, re-seal, write back in a single UPDATE.
    static func rotateBatch(after cursor: String, limit: Int, vault: CredentialVault, on connection: PGConnection) async throws -> Batch {
        let current = vault.keyRing.currentVersion
        let rows = try await connection.query("""
            SELECT id, organisation_id, sealed_secrets FROM credentials
            WHERE key_version <> \(current) AND id > \(cursor)
            ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """).rows
        var updates: [JSONValue] = []
        var failed: [String] = []
        for row in rows {
            let id = try row.string("id")
            do {
                let sealed = try vault.reseal(
                    try row.bytes("sealed_secrets"), organisationID: try row.string("organisation_id"), credentialID: id)
                updates.append(["id": .string(id), "sealed": .string(Hex.encode(sealed.bytes))])
            } catch {
                failed.append(id)
            }
        }
        if !updates.isEmpty {
            _ = try await connection.query("""
                UPDATE credentials cr SET sealed_secrets = decode(u.sealed, 'hex'), key_version = \(current)
                FROM jsonb_to_recordset(\(JSONValue.array(updates).jsonText)::jsonb) AS u (id text, sealed text)
                WHERE cr.id = u.id
                """)
        }
        let remaining = try await connection.query(
            "SELECT count(*) AS remaining FROM credentials WHERE key_version <> \(current)").rows.first?.int("remaining") ?? 0
        return Batch(
            lastID: try rows.last.map { try $0.string("id") }, rotated: updates.count, failedIDs: failed,
            remaining: remaining)
    }
}
