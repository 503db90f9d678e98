/// What one event loop's statement pipeline is for (docs/architecture.md, "Pipelined reads" and "Group commits").
enum PipelineMode: Sendable {
    /// Reads: each answer goes to its task as soon as it is in; a read is safe to run again on the pool, whatever
    /// happened to its connection.
    case reads
    /// Atomic writes of one statement each (group commit): the writes of a batch commit together, with one WAL
    /// flush, so their answers are handed out only when the batch's Sync is in. When one of them fails, none is
    /// written, and each runs again alone on the pool (the failing one then gets its own error). When the
    /// connection fails after the batch's Sync went out, the batch may have committed: its writes answer the
    /// failure and are not run again.
    case commitGroups

    /// Statements in flight at most. Past it they go to the pool, whose backends each cost PostgreSQL a wakeup
    /// per statement: at 64 reads, a loop with 128 clients sent a third of its reads there. A batch of writes runs
    /// one after another on one backend, so fewer: a write's wait stays below two batches of 32.
    var capacity: Int {
        switch self {
        case .reads: 256
        case .commitGroups: 64
        }
    }
}

/// The rules of one event loop's pipeline as a pure state machine: `PipelineDriver` reports what happened (a
/// statement asked for, a Sync due, a result read, the connection lost) and carries out the effects it answers
/// (`nextEffect`); nothing here touches libpq, a socket or a task, so every rule is tested without PostgreSQL.
///
/// The statements the loop's tasks ask for go out together, closed by one Sync: just before the loop next waits,
/// or, while an earlier batch is out, once its answers are in (so at most one batch is out, and a busy loop's
/// batches grow). A batch is one transaction: PostgreSQL's implicit one, which its Sync commits, and which an error
/// in any of its statements rolls back whole (the statements after it come back aborted). `PipelineMode` says
/// what that means for the statements' tasks. The task whose statement is oldest reads for everyone (the reader)
/// and, once its own answer is in, passes the role to the next task still waiting.
///
/// A statement's outcome is nil when it is to run on a pooled connection instead: when another statement of its
/// batch failed, and when the connection failed under it before it could have taken effect. A task that waits
/// is known by its ticket; what wakes it (a continuation) stays with the driver, so the machine is one concrete
/// type (a generic one would go through runtime type metadata on every event) and is tested with plain values.
struct PipelineStateMachine {
    typealias Instant = ContinuousClock.Instant

    /// How long after a failed connect the pipeline stays off (its statements use the pool meanwhile).
    static var reconnectPause: Duration { .seconds(1) }

    /// One task's statement, from being asked for until its task takes the outcome.
    struct Ticket: Hashable, Sendable {
        let slot: Int
    }

    /// What the driver does for the machine, in order.
    enum Effect: Equatable {
        /// Wake the waiting task of the ticket: its answer is in, or it is to read for everyone.
        case resume(Ticket)
        /// Report `syncDue` for the current connection just before the loop next waits (at once off a loop).
        case scheduleSync
        /// The server lacks or has outdated the prepared statement of `text`: drop its name (only if it is still
        /// `onlyIfNamed`, when given), so that it is prepared afresh. Boxed: it is rare, and the other effects then
        /// copy as one word.
        indirect case forgetPrepared(text: String, onlyIfNamed: String?)
        /// The connection is done for: mark it broken and let it go; the next statement opens another.
        case dropConnection
        /// This many reads were answered by one merged execution.
        case countMerged(Int)
    }

    /// What a statement asked for does next.
    enum Admission: Equatable {
        /// Send it now (`statementSent`), or not at all when it cannot be prepared (it then runs on the pool).
        case sendNow
        /// A mergeable read: it goes out with the Sync (`nextHeldSend`), merged with other runs of its statement.
        case held(Ticket)
    }

    /// What the reader does next.
    enum ReadStep: Equatable {
        /// Its answer is in (and no lone Sync is left to read), or the connection is gone.
        case stop
        /// Read one more result; wait for the socket until the oldest statement's deadline (nil: none is out).
        case read(until: Instant?)
    }

    /// A statement sent at a Sync: one held read, or several runs of one merged into one (`mergedDigest`).
    struct HeldSend {
        let sql: SQL
        let members: Members
        let mergedDigest: UInt64?
    }

    /// The tickets one statement on the wire answers; one without an array.
    struct Members: RandomAccessCollection {
        private let single: Int
        private let several: [Int]

        init(_ slot: Int) {
            single = slot
            several = []
        }

        init(_ slots: [Int]) {
            single = slots[0]
            several = slots.count > 1 ? slots : []
        }

        var startIndex: Int { 0 }
        var endIndex: Int { several.isEmpty ? 1 : several.count }
        subscript(position: Int) -> Int { several.isEmpty ? single : several[position] }
    }

    struct Entry {
        /// nil once the slot is free.
        var sql: SQL?
        /// The connection it was asked on.
        var epoch: Int
        var outcome: Result<QueryResult, DatabaseError>?
        var isFinished = false
        /// Its batch's Sync went out: a write may have committed from then on.
        var isSynced = false
        /// A mergeable read not sent yet (it goes with the next Sync).
        var isPending = false
        /// Its task waits to be resumed (`Effect.resume`).
        var isWaiting = false
    }

    /// One statement on the wire.
    struct Sent {
        let text: String
        let name: String
        let deadline: Instant
        let members: Members
        let mergedDigest: UInt64?
        /// Its Prepare's result comes first when the statement was new to this connection.
        var awaitsPrepare: Bool
        var prepareFailed = false
    }

    let mode: PipelineMode
    /// Which connection is current: each one opened gets the next number, so that an event meant for one that
    /// has failed since is told apart.
    var epoch = 0
    var isOpen = false
    var isOpening = false
    var closedUntil: Instant?
    /// By ticket slot; `freeSlots` are reused, so a steady load allocates none.
    var entries: [Entry] = []
    var freeSlots: [Int] = []
    /// Tasks' statements asked for and not finished: the pipeline's load, against `mode.capacity`.
    var unfinished = 0
    /// Oldest first, from `firstInFlight`; the statements before it are finished and cut off in batches.
    var inFlight: [Sent] = []
    var firstInFlight = 0
    /// `.commitGroups`: the writes of the batch out whose answers are in, waiting for its Sync.
    var answered: [Sent] = []
    /// `.commitGroups`: a write of the batch out failed, so the batch is rolled back.
    var batchFailed = false
    /// Reads that may merge (`MergedReads.mayMerge`) asked for since the last Sync, in order: they go out with it.
    var pending: [Int] = []
    /// What goes out at the Sync being sent.
    var heldSends = HandOutQueue<HeldSend>()
    /// Digests of the statements whose merged form PostgreSQL refused as SQL (a parameter that is not text where
    /// it stands; `DatabaseError.isRefusedStatementForm`): they run one by one from then on. A merged execution
    /// that fails on one run's value leaves its statement mergeable.
    var unmergeable: Set<UInt64> = []
    /// Merged forms made so far, by the digest of the statement they merge.
    var mergedStatements: [UInt64: (original: String, merged: SQL)] = [:]
    var hasReader = false
    /// Statements sent since the last Sync; the Sync goes out before the loop next waits, or once the batch out
    /// is answered.
    var syncPending = false
    /// A Sync was sent and not yet read back: a batch is out (never more than one).
    var batchOut = false
    /// NULL results read in a row; libpq gives at most two between real results, more means it lost track.
    var emptyResults = 0
    var effects = HandOutQueue<Effect>()

    init(mode: PipelineMode) {
        self.mode = mode
    }

    /// The next thing the driver is to do, oldest first; nil when none is left.
    mutating func nextEffect() -> Effect? { effects.next() }

    /// Whether `nextEffect` has anything: most events leave nothing to do.
    var hasEffects: Bool { !effects.isDrained }

    /// Whether `epoch` names the connection that is open now.
    func isCurrent(_ epoch: Int) -> Bool { isOpen && epoch == self.epoch }

    var hasRoom: Bool { unfinished < mode.capacity }

    /// Sent and not yet answered.
    var unansweredCount: Int { inFlight.count - firstInFlight }

    func isFinished(_ ticket: Ticket) -> Bool { entries[ticket.slot].isFinished }
}
