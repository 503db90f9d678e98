/// A bounded pool of libpq connections shared by every task. A caller runs its statements on a connection of
/// its own, in its own task: statements are sent without blocking and the task suspends until the pool's
/// reactor thread sees the answer, so no thread is parked per connection and a request task running on an
/// HTTP event loop never leaves it. Broken connections are dropped and re-opened on next use; while the
/// database is unreachable calls fail fast with `DatabaseError(kind: .connectionUnavailable)`.
public final class DatabasePool: Sendable {
    public let configuration: DatabaseConfiguration
    private let slots: ConnectionSlots
    let reactor: IOReactor
    private let socketWaiter: (any SocketWaiting)?
    /// Pipelined reads on the event loops (`reading`), unless turned off by `configuration.pipelinesReads`.
    let readPipelines: PerLoopPipelines
    /// Grouped commits on the event loops (`writing`), unless turned off by `configuration.groupsCommits`.
    let writePipelines: PerLoopPipelines

    /// Starts the reactor thread; connections open lazily on first use. `socketWaiter` (an HTTP server's event
    /// loops) serves the statements of tasks running on its threads; everything else uses the reactor.
    public init(configuration: DatabaseConfiguration, socketWaiter: (any SocketWaiting)? = nil) {
        self.configuration = configuration
        self.socketWaiter = socketWaiter
        let slots = ConnectionSlots(capacity: configuration.poolSize)
        self.slots = slots
        let reactor = IOReactor(name: "db-io") { now in slots.expire(now: now) }
        self.reactor = reactor
        readPipelines = PerLoopPipelines(
            mode: .reads, configuration: configuration, reactor: reactor,
            socketWaiter: configuration.pipelinesReads && configuration.pooler.keepsSessions ? socketWaiter : nil)
        writePipelines = PerLoopPipelines(
            mode: .commitGroups, configuration: configuration, reactor: reactor,
            socketWaiter: configuration.groupsCommits && configuration.pooler.keepsSessions ? socketWaiter : nil)
    }

    deinit { shutdown() }

    /// Runs `body` with a connection of its own. Cancelling the calling task while it still waits for a
    /// connection throws `CancellationError`; once `body` has started it runs to the end. The wait for a
    /// connection, and for each answer, ends by the caller's deadline (`CallerDeadline`) when one is bound.
    public func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        try await withConnection(acquireTimeout: configuration.acquireTimeout, body)
    }

    /// Like `withConnection`, inside BEGIN … COMMIT; any thrown error rolls back and is rethrown.
    public func withTransaction<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.execute(unsafeSQL: "BEGIN")
            let value: T
            do {
                value = try await body(connection)
            } catch {
                // Best effort, and never on a connection given up: the server rolls back when it closes.
                if connection.isHealthy { try? await connection.execute(unsafeSQL: "ROLLBACK") }
                throw error
            }
            try await connection.execute(unsafeSQL: "COMMIT")
            return value
        }
    }

    /// `SELECT 1` with short timeouts; false when the database is unreachable or does not answer.
    public func isReachable() async -> Bool {
        let timeout = min(configuration.acquireTimeout, .seconds(2))
        let answer = try? await withConnection(acquireTimeout: timeout) { connection in
            try await connection.query("SELECT 1 AS one", within: timeout).rows.first?.int("one")
        }
        return answer == 1
    }

    /// Closes the idle connections and stops the reactor; statements in flight fail, later calls fail with
    /// `.connectionUnavailable`, and connections in use close when their callers give them back.
    public func shutdown() {
        readPipelines.stop()
        writePipelines.stop()
        slots.stop()
        reactor.stop()
    }

    private func withConnection<T>(acquireTimeout: Duration, _ body: (PGConnection) async throws -> T) async throws -> T {
        let (deadline, isCallers) = CallerDeadline.applied(to: .now + acquireTimeout)
        let connection: PGConnection
        do {
            connection = try await checkOut(deadline: deadline)
        } catch let error as DatabaseError where isCallers && error.kind == .connectionUnavailable && .now >= deadline {
            throw CallerDeadline.exceeded
        }
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await checkIn(connection)
            throw error
        }
        await checkIn(connection)
        return value
    }

    private func checkOut(deadline: ContinuousClock.Instant) async throws -> PGConnection {
        if case .connection(let box) = try await slots.acquire(deadline: deadline) {
            guard box.connection.looksDeadWhileIdle() else { return box.connection }
            // Closed by the server while idle: this caller keeps the slot and opens a fresh connection.
        }
        do {
            return try await PGConnection.open(configuration: configuration, reactor: reactor, socketWaiter: socketWaiter)
        } catch {
            // Unreachable database: fail now rather than keep the caller waiting.
            slots.release(nil)
            throw error
        }
    }

    private func checkIn(_ connection: PGConnection) async {
        // A body that left a transaction open must not leak it into the next caller's work.
        if connection.isHealthy && connection.isInTransaction {
            do { try await connection.execute(unsafeSQL: "ROLLBACK") } catch { connection.isBroken = true }
        }
        slots.release(connection.isHealthy ? ConnectionBox(connection) : nil)
    }
}
