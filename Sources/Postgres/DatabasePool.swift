import Foundation

/// A fixed pool of connections, each owned by a dedicated thread so blocking libpq calls never run on Swift's
/// cooperative pool. Broken connections are re-opened on next use; while the database is unreachable calls
/// fail fast with `DatabaseError(kind: .connectionUnavailable)`.
public final class DatabasePool: Sendable {
    private let queue = JobQueue()
    private let configuration: DatabaseConfiguration

    /// Starts `poolSize` worker threads and one deadline watcher; connections open lazily on first use.
    public init(configuration: DatabaseConfiguration) {
        self.configuration = configuration
        let worker = PoolWorker(queue: queue, configuration: configuration)
        for index in 0..<max(configuration.poolSize, 1) {
            start(name: "db-pool-\(index)") { worker.run() }
        }
        let queue = self.queue
        start(name: "db-pool-deadlines") { queue.watchDeadlines() }
    }

    private func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Runs `body` on a pool thread with a connection of its own. Cancelling the calling task while it
    /// still waits for a connection throws `CancellationError`; once `body` has started it runs to the end.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await submit(acquireTimeout: configuration.acquireTimeout, body)
    }

    /// Like `withConnection`, inside BEGIN … COMMIT; any thrown error rolls back and is rethrown.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withConnection { connection in
            try connection.execute(unsafeSQL: "BEGIN")
            let value: T
            do {
                value = try body(connection)
            } catch {
                // Best effort: on a broken connection the server has already rolled back.
                try? connection.execute(unsafeSQL: "ROLLBACK")
                throw error
            }
            try connection.execute(unsafeSQL: "COMMIT")
            return value
        }
    }

    /// `SELECT 1` with a short timeout; false when the database is unreachable.
    public func isReachable() async -> Bool {
        let timeout = min(configuration.acquireTimeout, .seconds(2))
        let answer = try? await submit(acquireTimeout: timeout) { connection in
            try connection.query("SELECT 1 AS one").rows.first?.int("one")
        }
        return answer == 1
    }

    /// Lives as long as the calling task (e.g. a child of the service group started before the server):
    /// when that task is cancelled, the pool shuts down and `run()` returns.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        shutdown()
    }

    /// Closes every connection and stops the threads; later calls fail with `.connectionUnavailable`.
    /// Returns at once: a worker finishes its current job before it closes its connection.
    public func shutdown() { queue.stop() }

    private func submit<T: Sendable>(
        acquireTimeout: Duration, _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        let id = queue.makeJobID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard !Task.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                queue.enqueue(
                    PoolJob(
                        id: id, deadline: .now + acquireTimeout,
                        run: { connection in continuation.resume(with: Result { try body(connection) }) },
                        fail: { error in continuation.resume(throwing: error) }))
            }
        } onCancel: { [queue] in
            queue.cancel(id: id)
        }
    }
}
