import Cryptography
import Foundation
public import Postgres

/// Applies `Migrations/NNNN_name.sql` in order, all pending files in one transaction under an advisory lock,
/// each recorded with its SHA-256. Start is refused when an applied file changed or vanished: the database and the
/// code disagree.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var sql: String
        public var checksum: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case directoryNotFound
        case badFileName(String)
        case duplicateVersion(Int)
        case checksumChanged(version: Int, name: String)
        case unknownAppliedVersion(Int)

        public var description: String {
            switch self {
            case .directoryNotFound: "the Migrations directory was not found (set EMBEDDED_API_HOME to the folder holding it)"
            case .badFileName(let name): "migration file \(name) is not named NNNN_name.sql"
            case .duplicateVersion(let version): "two migration files have version \(version)"
            case .checksumChanged(let version, let name):
                "migration \(version) (\(name)) was changed after it was applied; never edit an applied migration, add a new one"
            case .unknownAppliedVersion(let version):
                "the database has migration \(version) applied, which this build does not have; is this an older build?"
            }
        }
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations.sorted { $0.version < $1.version } }

    /// Reads every `*.sql` file of a directory (default: the one shipped beside the binary).
    public static func fromDirectory(_ path: String? = nil) throws -> Migrator {
        guard let directory = path ?? ProjectFiles.locate("Migrations") else { throw Failure.directoryNotFound }
        var migrations: [Migration] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw Failure.badFileName(file)
            }
            guard !migrations.contains(where: { $0.version == version }) else { throw Failure.duplicateVersion(version) }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let checksum = Digest.sha256(Array(data)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            migrations.append(Migration(
                version: version, name: String(stem[stem.index(after: underscore)...]),
                sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        return Migrator(migrations: migrations)
    }

    /// The advisory lock key every migrator takes (`pg_advisory_lock`), so that instances starting at once apply
    /// the pending migrations one after the other: the second finds them applied. Builds that took it with
    /// `pg_advisory_xact_lock` used the same key, so they exclude each other too.
    public static let advisoryLockKey: Int64 = 7_261_626

    /// How long one statement of a migration session may take, the wait for another migrator's lock included:
    /// longer than a request's, since DDL on a large table and a queue of starting instances both take time.
    public static let sessionStatementTimeout: Duration = .seconds(900)

    /// How long a migration's DDL waits for a table lock before the run fails (and rolls back, to be retried):
    /// waiting longer would queue every request to that table behind it while serving instances hold their
    /// locks.
    public static let tableLockTimeout: Duration = .seconds(5)

    /// Applies what is pending; returns the migrations applied now. With `dryRun`, applies nothing and returns
    /// what would be applied.
    ///
    /// On a connection of its own (`withDedicatedSession`), first takes the session-level advisory lock, then
    /// applies every pending file in one transaction, then unlocks; the lock also ends with the session if the
    /// process dies. The connection must reach PostgreSQL itself, not a transaction-pooling proxy, which would
    /// hand the session's lock to whichever client used that server connection next.
    @discardableResult
    public func migrate(_ pool: DatabasePool, dryRun: Bool = false) async throws -> [Migration] {
        try await pool.withDedicatedSession(statementTimeout: Self.sessionStatementTimeout) { connection in
            try await connection.execute(unsafeSQL: "SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            let pending: [Migration]
            do {
                pending = try await applyPending(on: connection, dryRun: dryRun)
            } catch {
                if connection.isHealthy && connection.isInTransaction { try? await connection.execute(unsafeSQL: "ROLLBACK") }
                throw error
            }
            try await connection.execute(unsafeSQL: "SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
            return pending
        }
    }

    /// With the lock held: checks what is applied against the files, then applies the rest in one transaction.
    private func applyPending(on connection: PGConnection, dryRun: Bool) async throws -> [Migration] {
        let lockTimeout = Self.tableLockTimeout.components.seconds * 1000
        try await connection.execute(unsafeSQL: """
            BEGIN;
            SET LOCAL lock_timeout = \(lockTimeout);
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now());
            """)
        let applied = try await connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        var appliedVersions = Set<Int>()
        for row in applied.rows {
            let version = try row.int("version")
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw Failure.unknownAppliedVersion(version)
            }
            guard try row.string("checksum") == migration.checksum else {
                throw Failure.checksumChanged(version: version, name: migration.name)
            }
            appliedVersions.insert(version)
        }
        let pending = migrations.filter { !appliedVersions.contains($0.version) }
        guard !dryRun else {
            try await connection.execute(unsafeSQL: "ROLLBACK")
            return pending
        }
        for migration in pending {
            try await connection.execute(unsafeSQL: migration.sql)
            _ = try await connection.query("""
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """)
        }
        try await connection.execute(unsafeSQL: "COMMIT")
        return pending
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
