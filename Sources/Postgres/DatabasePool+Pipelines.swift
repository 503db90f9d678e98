import Locking
import Synchronization

/// The pool's paths for statements that stand alone (`DatabasePool.reading` and `writing`): each is pipelined on
/// the calling event loop's connection of that path when it can be (`PipelineDriver`), and otherwise runs on a
/// pooled connection, as a transaction of its own.
public struct StandaloneStatementRunner: StatementRunning {
    let pool: DatabasePool
    let pipelines: PerLoopPipelines

    public func query(_ sql: SQL) async throws -> QueryResult {
        let sql = sql.rendered()
        return try await pipelines.run(sql) { try await pool.withConnection { try await $0.query(sql) } }
    }
}

/// How the statements of `DatabasePool.reading` (or `writing`) ran since the pool started.
public struct PipelineCounts: Sendable, Equatable {
    public var pipelined: Int
    /// On a pooled connection although pipelining is on: off the loops, while a pipeline opened, at capacity,
    /// after another statement of its batch failed, after its connection failed, or because its caller's
    /// deadline comes before a batch's (`CallerDeadline`).
    public var pooled: Int
    /// Batches the pipelines sent (one Sync each): `pipelined / batches` is how many statements shared a
    /// PostgreSQL wakeup (and, for writes, a commit).
    public var batches: Int
    /// Reads answered by a statement merged with other runs of it (`MergedReads`): one execution for several.
    public var merged: Int

    public init(pipelined: Int, pooled: Int, batches: Int, merged: Int = 0) {
        self.pipelined = pipelined
        self.pooled = pooled
        self.batches = batches
        self.merged = merged
    }
}

/// `PipelineCounts` as they grow, shared by every loop's pipeline of one mode.
final class AtomicPipelineCounts: Sendable {
    let pipelined = Atomic<Int>(0)
    let pooled = Atomic<Int>(0)
    let batches = Atomic<Int>(0)
    let merged = Atomic<Int>(0)

    var counts: PipelineCounts {
        PipelineCounts(pipelined: pipelined.load(ordering: .relaxed), pooled: pooled.load(ordering: .relaxed),
                       batches: batches.load(ordering: .relaxed), merged: merged.load(ordering: .relaxed))
    }
}

extension DatabasePool {
    /// All zero when read pipelining is off (every read is then a plain pooled statement).
    public var readCounts: PipelineCounts { readPipelines.counters.counts }

    /// All zero when commit grouping is off.
    public var writeCounts: PipelineCounts { writePipelines.counters.counts }

    /// Runs `body` with the read path. Each statement is on its own, with its own snapshot: for reads that need
    /// no transaction, such as a request that is answered by one SELECT.
    public func reading<T>(_ body: (StandaloneStatementRunner) async throws -> T) async throws -> T {
        try await body(StandaloneStatementRunner(pool: self, pipelines: readPipelines))
    }

    /// Runs `body` with the write path. Each statement must be atomic on its own and depend on no other
    /// statement of the caller's (a single INSERT … RETURNING, or one WITH statement writing several tables):
    /// it may commit together with other requests' statements (`PipelineMode.commitGroups`), and it
    /// may run twice when its batch is rolled back (never when it could have committed).
    public func writing<T>(_ body: (StandaloneStatementRunner) async throws -> T) async throws -> T {
        try await body(StandaloneStatementRunner(pool: self, pipelines: writePipelines))
    }
}

/// One `PipelineDriver` of a mode per event loop that has asked for one, each used only on its own loop's thread;
/// none when the mode is turned off or the pool serves no event loops.
final class PerLoopPipelines: Sendable {
    private final class Box: @unchecked Sendable {
        let pipeline: PipelineDriver
        init(_ pipeline: PipelineDriver) { self.pipeline = pipeline }
    }

    private let mode: PipelineMode
    private let configuration: DatabaseConfiguration
    private let reactor: IOReactor
    private let socketWaiter: (any SocketWaiting)?
    private let pipelines = Locked<[UInt64: Box]>([:])
    private let stopped = Locked(false)
    let counters = AtomicPipelineCounts()

    init(mode: PipelineMode, configuration: DatabaseConfiguration, reactor: IOReactor,
         socketWaiter: (any SocketWaiting)?) {
        self.mode = mode
        self.configuration = configuration
        self.reactor = reactor
        self.socketWaiter = socketWaiter
    }

    /// `sql` on the calling loop's pipeline, or through `pooled` when it is not pipelined.
    func run(_ sql: SQL, pooled: () async throws -> QueryResult) async throws -> QueryResult {
        guard let socketWaiter else { return try await pooled() }
        // A batch shares one wait and one fate: a statement whose caller must finish before the batch's own
        // deadline runs alone, where it can be cancelled without touching other callers' statements.
        let own = ContinuousClock.now + configuration.statementTimeout + configuration.clientDeadlineMargin
        if CallerDeadline.applied(to: own).isCallers {
            counters.pooled.add(1, ordering: .relaxed)
            return try await pooled()
        }
        if let pipelined = await current(socketWaiter)?.run(sql) {
            counters.pipelined.add(1, ordering: .relaxed)
            return try pipelined.get()
        }
        counters.pooled.add(1, ordering: .relaxed)
        return try await pooled()
    }

    /// The calling loop's pipeline; nil off the loops.
    private func current(_ socketWaiter: any SocketWaiting) -> PipelineDriver? {
        guard let loopID = socketWaiter.currentLoopID else { return nil }
        return pipelines.withLock { pipelines in
            if let box = pipelines[loopID] { return box.pipeline }
            let stopped = self.stopped
            let pipeline = PipelineDriver(
                mode: mode, configuration: configuration, reactor: reactor, socketWaiter: socketWaiter,
                counters: counters) { stopped.withLock { $0 } }
            pipelines[loopID] = Box(pipeline)
            return pipeline
        }
    }

    /// New statements go to the pool from now on; each pipeline drops its connection when next used, and the
    /// rest close with the pool (their loops have stopped by then).
    func stop() { stopped.withLock { $0 = true } }
}
