import Locking
import Synchronization

/// The pool's path for reads that stand alone (no transaction): each statement is pipelined on the calling event
/// loop's read connection when it can be (`ReadPipeline`), and otherwise runs on a pooled connection.
public struct PooledReads: StatementRunning {
    let pool: DatabasePool

    public func query(_ sql: SQL) async throws -> QueryResult {
        if let pipelines = pool.readPipelines {
            if let pipelined = await pipelines.current()?.run(sql) {
                pipelines.counters.pipelined.add(1, ordering: .relaxed)
                return try pipelined.get()
            }
            pipelines.counters.pooled.add(1, ordering: .relaxed)
        }
        return try await pool.withConnection { try await $0.query(sql) }
    }
}

/// How the statements of `DatabasePool.reading` ran since the pool started.
public struct ReadCounts: Sendable, Equatable {
    public var pipelined: Int
    /// On a pooled connection although pipelining is on: off the loops, while a pipeline opened, at capacity,
    /// aborted by another statement's error, or after its connection failed.
    public var pooled: Int
    /// Batches the pipelines sent (one Sync each): `pipelined / batches` is how many statements shared a
    /// PostgreSQL wakeup.
    public var batches: Int

    public init(pipelined: Int, pooled: Int, batches: Int) {
        self.pipelined = pipelined
        self.pooled = pooled
        self.batches = batches
    }
}

/// The counters behind `ReadCounts`, shared by every loop's pipeline.
final class ReadCounters: Sendable {
    let pipelined = Atomic<Int>(0)
    let pooled = Atomic<Int>(0)
    let batches = Atomic<Int>(0)
}

extension DatabasePool {
    /// All zero when pipelining is off (every read is then a plain pooled statement).
    public var readCounts: ReadCounts {
        guard let counters = readPipelines?.counters else { return ReadCounts(pipelined: 0, pooled: 0, batches: 0) }
        return ReadCounts(pipelined: counters.pipelined.load(ordering: .relaxed),
                          pooled: counters.pooled.load(ordering: .relaxed),
                          batches: counters.batches.load(ordering: .relaxed))
    }

    /// Runs `body` with the read path. Each statement is on its own, with its own snapshot: for reads that need
    /// no transaction, such as a request that is answered by one SELECT.
    public func reading<T>(_ body: (PooledReads) async throws -> T) async throws -> T {
        try await body(PooledReads(pool: self))
    }
}

/// One `ReadPipeline` per event loop that has asked for one, each used only on its own loop's thread.
final class ReadPipelines: Sendable {
    private final class Box: @unchecked Sendable {
        let pipeline: ReadPipeline
        init(_ pipeline: ReadPipeline) { self.pipeline = pipeline }
    }

    private let configuration: DatabaseConfiguration
    private let reactor: IOReactor
    private let socketWaiter: any SocketWaiting
    private let pipelines = Locked<[UInt64: Box]>([:])
    private let stopped = Locked(false)
    let counters = ReadCounters()

    init(configuration: DatabaseConfiguration, reactor: IOReactor, socketWaiter: any SocketWaiting) {
        self.configuration = configuration
        self.reactor = reactor
        self.socketWaiter = socketWaiter
    }

    /// The calling loop's pipeline; nil off the loops.
    func current() -> ReadPipeline? {
        guard let loopID = socketWaiter.currentLoopID else { return nil }
        return pipelines.withLock { pipelines in
            if let box = pipelines[loopID] { return box.pipeline }
            let stopped = self.stopped
            let pipeline = ReadPipeline(configuration: configuration, reactor: reactor, socketWaiter: socketWaiter,
                                        counters: counters) { stopped.withLock { $0 } }
            pipelines[loopID] = Box(pipeline)
            return pipeline
        }
    }

    /// New statements go to the pool from now on; each pipeline drops its connection when next used, and the
    /// rest close with the pool (their loops have stopped by then).
    func stop() { stopped.withLock { $0 = true } }
}
