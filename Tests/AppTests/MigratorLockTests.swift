@testable import App
import Foundation
import Postgres
import Testing

/// `embedded-api migrate` and migrate-on-start take a session-level advisory lock on a connection of their own,
/// so instances starting at once apply each migration once. Each test runs on a database of its own, made empty
/// and dropped after.
@Suite(.enabled(if: ConnectionsApp.isAvailable))
struct MigratorLockTests {
    @Test func twoMigratorsStartingAtOnceOnAnEmptyDatabaseApplyEveryMigrationOnce() async throws {
        let migrator = try Migrator.fromDirectory()
        try await withScratchDatabase { first in
            let second = DatabasePool(configuration: first.configuration)
            defer { second.shutdown() }
            async let appliedByFirst = migrator.migrate(first)
            async let appliedBySecond = migrator.migrate(second)
            let applied = try await [appliedByFirst, appliedBySecond]
            // One applied everything, the other found it done.
            #expect(applied.map(\.count).sorted() == [0, migrator.migrations.count])
            let rows = try await first.withConnection { connection in
                try await connection.query("SELECT version, checksum FROM schema_migrations ORDER BY version").rows
            }
            #expect(try rows.map { try $0.int("version") } == migrator.migrations.map(\.version))
            #expect(try rows.map { try $0.string("checksum") } == migrator.migrations.map(\.checksum))
            #expect(try await migrator.migrate(first, dryRun: true).isEmpty)
            #expect(try await advisoryLockIsFree(first))
        }
    }

    @Test func aMigratorWaitsForTheLockBeforeTouchingTheDatabase() async throws {
        let migrator = try Migrator.fromDirectory()
        try await withScratchDatabase { pool in
            try await pool.withDedicatedSession { holder in
                try await holder.execute(unsafeSQL: "SELECT pg_advisory_lock(\(Migrator.advisoryLockKey))")
                let waiting = Task { try await migrator.migrate(pool) }
                try await Task.sleep(for: .seconds(1))
                // Not even schema_migrations exists while another session holds the lock.
                #expect(try await tableExists("schema_migrations", pool) == false)
                try await holder.execute(unsafeSQL: "SELECT pg_advisory_unlock(\(Migrator.advisoryLockKey))")
                #expect(try await waiting.value.count == migrator.migrations.count)
            }
            #expect(try await tableExists("schema_migrations", pool))
        }
    }

    @Test func aFailedMigrationRollsBackEverythingAndReleasesTheLock() async throws {
        let good = Migrator.Migration(version: 1, name: "good", sql: "CREATE TABLE migrator_good (id integer)", checksum: "a")
        let bad = Migrator.Migration(version: 2, name: "bad", sql: "CREATE TABLE migrator_bad (id no_such_type)", checksum: "b")
        try await withScratchDatabase { pool in
            await #expect(throws: DatabaseError.self) { try await Migrator(migrations: [good, bad]).migrate(pool) }
            // Nothing is left, not even schema_migrations: the run was one transaction.
            let left = (try await tableExists("migrator_good", pool), try await tableExists("schema_migrations", pool))
            #expect(left == (false, false))
            let lockFree = try await advisoryLockIsFree(pool)
            #expect(lockFree)
            let appliedAgain = try await Migrator(migrations: [good]).migrate(pool)
            #expect(appliedAgain.map(\.version) == [1])
        }
    }

    // MARK: - Support

    /// A pool on a new, empty database in the `DATABASE_URL` cluster, dropped when `body` returns.
    private func withScratchDatabase(_ body: (DatabasePool) async throws -> Void) async throws {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        let admin = DatabasePool(configuration: DatabaseConfiguration(connectionString: url))
        defer { admin.shutdown() }
        let name = "migrator_lock_\(testID().lowercased())"
        try await admin.withConnection { try await $0.execute(unsafeSQL: "CREATE DATABASE \(name)") }
        // A later `dbname` wins, in a URI's query and in a conninfo string alike.
        let scratchURL = url.contains("://") ? url + (url.contains("?") ? "&" : "?") + "dbname=\(name)" : url + " dbname=\(name)"
        var configuration = DatabaseConfiguration(connectionString: scratchURL)
        configuration.acquireTimeout = .seconds(30)
        let pool = DatabasePool(configuration: configuration)
        do {
            try await body(pool)
        } catch {
            pool.shutdown()
            try? await admin.withConnection { try await $0.execute(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)") }
            throw error
        }
        pool.shutdown()
        try await admin.withConnection { try await $0.execute(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)") }
    }

    private func tableExists(_ table: String, _ pool: DatabasePool) async throws -> Bool {
        try await pool.withConnection { connection in
            try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS present").rows[0].bool("present")
        }
    }

    /// No session of this database holds the migrators' advisory lock.
    private func advisoryLockIsFree(_ pool: DatabasePool) async throws -> Bool {
        let key = Migrator.advisoryLockKey
        return try await pool.withConnection { connection in
            try await connection.query("""
                SELECT count(*)::int AS held FROM pg_locks
                WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND ((classid::bigint << 32) | objid::bigint) = \(key) AND granted
                """).rows[0].int("held") == 0
        }
    }
}
