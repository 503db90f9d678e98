import Foundation

/// The body of one pool thread. The thread owns its `PGConnection` outright: opened lazily on the first job,
/// dropped when broken and re-opened on the next job, closed when the pool stops.
struct PoolWorker: Sendable {
    let queue: JobQueue
    let configuration: DatabaseConfiguration

    func run() {
        var connection: PGConnection?
        while let job = queue.next() {
            guard job.deadline > .now else {
                job.fail(DatabaseError(kind: .connectionUnavailable))
                continue
            }
            if let current = connection, current.looksDeadWhileIdle() { connection = nil }
            if connection == nil {
                do {
                    connection = try PGConnection(configuration: configuration)
                } catch {
                    // Unreachable database: fail now rather than keep the caller waiting.
                    job.fail(error)
                    continue
                }
            }
            guard let current = connection else { continue }
            job.run(current)
            connection = reusable(current)
        }
    }

    /// The connection, cleaned for the next job, or nil when it must be replaced.
    private func reusable(_ connection: PGConnection) -> PGConnection? {
        guard connection.isHealthy else { return nil }
        // A body that left a transaction open must not leak it into the next caller's work.
        if connection.isInTransaction {
            do { try connection.execute(unsafeSQL: "ROLLBACK") } catch { return nil }
        }
        return connection
    }
}
