import Cryptography
import JSON
import Postgres

/// Re-seals the blobs of one `SealedTable` (stored credentials, webhook signing secrets) under the newest key, a
/// batch per transaction. Rows are locked with
/// `FOR UPDATE SKIP LOCKED`, so rotation runs beside live traffic (and beside another rotation); each batch
/// commits on its own, so stopping loses at most one batch and running again resumes where it stopped. A pass
/// walks the ids once and passes over rows other transactions hold; passes repeat until no row is left under
/// an older key (but those that would not open) or `lockWait` has run out.
struct CredentialRotation: Sendable {
    let vault: CredentialVault
    let database: DatabasePool
    let batchSize: Int
    var table: SealedTable = .credentials
    /// How long to keep coming back for rows other transactions hold locked.
    var lockWait: Duration = .seconds(60)
    /// The pause between passes while rows are still locked.
    var retryPause: Duration = .milliseconds(200)

    struct Outcome: Sendable, Equatable {
        var rotated: Int
        /// Credentials whose blob would not open (unknown key version, tampered data): left as they are.
        var failedIDs: [String]
        /// Credentials still under an older key, besides `failedIDs`: locked by other transactions until
        /// `lockWait` ran out, or not reached before a cancellation. Rotation is complete only when this is 0.
        var left: Int
    }

    /// Rotates until no row on an older key is left (or only failures are), or `lockWait` has passed.
    /// `progress(done, remaining)` after each batch. Cancellation stops between batches.
    func run(progress: (Int, Int) -> Void) async throws -> Outcome {
        let current = vault.keyRing.currentVersion
        let left = try await database.withConnection { [table] in
            try await Self.remaining(table, current: current, excluding: [], on: $0)
        }
        var outcome = Outcome(rotated: 0, failedIDs: [], left: left)
        let deadline = ContinuousClock.now + lockWait
        while outcome.left > 0, !Task.isCancelled {
            if let left = try await pass(&outcome, progress: progress) { outcome.left = left }
            let now = ContinuousClock.now
            guard outcome.left > 0, !Task.isCancelled, now < deadline else { break }
            try? await Task.sleep(for: min(retryPause, deadline - now))
        }
        return outcome
    }

    /// One walk over the ids there were when it began; returns how many rows (besides failures) are still under
    /// an older key after its last batch, or nil when it was stopped before any. Bounded by the largest id at its
    /// start, so that rows written meanwhile cannot keep one pass going (ids grow with time); the next pass
    /// takes them.
    private func pass(_ outcome: inout Outcome, progress: (Int, Int) -> Void) async throws -> Int? {
        let current = vault.keyRing.currentVersion
        let last = try await database.withConnection { [table] connection in
            try await connection.query(SQL.joining([
                SQL(unsafe: "SELECT max(id) AS last FROM \(table.name)"), "WHERE key_version <> \(current)",
            ])).rows.first?.optionalString("last")
        }
        guard let last else { return 0 }
        let before = outcome.left  // counted at the end of the last pass (or before the first), excluding failures
        var cursor = ""
        var walked = false
        var handled = 0
        while !Task.isCancelled {
            let batch = try await database.withTransaction { [table, vault, batchSize, cursor, failed = outcome.failedIDs] connection in
                try await Self.rotateBatch(
                    table, after: cursor, upTo: last, limit: batchSize, excluding: failed, vault: vault, on: connection)
            }
            guard let lastID = batch.lastID else {
                walked = true
                break
            }
            cursor = lastID
            outcome.rotated += batch.rotated
            outcome.failedIDs += batch.failedIDs
            handled += batch.rotated + batch.failedIDs.count
            progress(outcome.rotated, max(0, before - handled))
        }
        guard walked || handled > 0 else { return nil }
        // Once a pass: the count reads every row under an older key.
        return try await database.withConnection { [table, failed = outcome.failedIDs] connection in
            try await Self.remaining(table, current: current, excluding: failed, on: connection)
        }
    }

    struct Batch: Sendable {
        var lastID: String?
        var rotated: Int
        var failedIDs: [String]
    }

    /// One batch: lock, open, re-seal, write back in a single UPDATE. Rows in `excluding` (known not to open)
    /// are neither tried again nor counted as remaining.
    static func rotateBatch(
        _ table: SealedTable = .credentials, after cursor: String, upTo last: String, limit: Int,
        excluding failedBefore: [String] = [], vault: CredentialVault, on connection: PGConnection
    ) async throws -> Batch {
        let current = vault.keyRing.currentVersion
        let excluded = JSONValue.strings(failedBefore).jsonText
        let rows = try await connection.query(SQL.joining([
            SQL(unsafe: "SELECT id, organisation_id, \(table.sealedColumn) AS sealed FROM \(table.name)"),
            """
            WHERE key_version <> \(current) AND id > \(cursor) AND id <= \(last)
              AND id NOT IN (SELECT json_array_elements_text(\(excluded)::json))
            ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """,
        ])).rows
        var updates: [JSONValue] = []
        var failed: [String] = []
        for row in rows {
            let id = try row.string("id")
            do {
                let sealed = try table.reseal(
                    vault.keyRing, try row.bytes("sealed"), try row.string("organisation_id"), id)
                updates.append(["id": .string(id), "sealed": .string(Hex.encode(sealed))])
            } catch {
                failed.append(id)
            }
        }
        if !updates.isEmpty {
            _ = try await connection.query(SQL.joining([
                SQL(unsafe: "UPDATE \(table.name) t SET \(table.sealedColumn) = decode(u.sealed, 'hex'),"),
                """
                key_version = \(current)
                FROM jsonb_to_recordset(\(JSONValue.array(updates).jsonText)::jsonb) AS u (id text, sealed text)
                WHERE t.id = u.id
                """,
            ]))
        }
        return Batch(lastID: try rows.last.map { try $0.string("id") }, rotated: updates.count, failedIDs: failed)
    }

    /// Rows under a key other than `current`, but for those in `excluding` (known not to open).
    static func remaining(
        _ table: SealedTable, current: String, excluding unopened: [String], on connection: PGConnection
    ) async throws -> Int {
        try await connection.query(SQL.joining([
            SQL(unsafe: "SELECT count(*) AS remaining FROM \(table.name)"),
            """
            WHERE key_version <> \(current)
              AND id NOT IN (SELECT json_array_elements_text(\(JSONValue.strings(unopened).jsonText)::json))
            """,
        ])).rows.first?.int("remaining") ?? 0
    }
}

/// A table whose rows (`id`, `organisation_id`, `key_version`) each hold a blob sealed with the credential key
/// ring, and how one of its blobs is opened and sealed again under the newest key.
struct SealedTable: Sendable {
    let name: String
    let sealedColumn: String
    /// (ring, blob, organisation id, row id) to the blob sealed under the ring's newest key.
    let reseal: @Sendable (KeyRing, [UInt8], String, String) throws -> [UInt8]

    static let credentials = SealedTable(name: "credentials", sealedColumn: "sealed_secrets") { ring, blob, organisationID, id in
        try CredentialVault(keyRing: ring).reseal(blob, organisationID: organisationID, credentialID: id).bytes
    }

    static let webhookSecrets = SealedTable(name: "webhooks", sealedColumn: "sealed_secret") { ring, blob, organisationID, id in
        try WebhookSecret.open(blob, with: ring, organisationID: organisationID, webhookID: id)
            .seal(with: ring, organisationID: organisationID, webhookID: id).bytes
    }
}
