import CLibPQ
import Synchronization

/// The single statements of one event loop's request tasks, sent on one connection of the loop's own in libpq
/// pipeline mode. The statements the loop's tasks ask for go out together, closed by one Sync: just before the
/// loop next waits, or, while an earlier batch is out, once its answers are in (so at most one batch is out, and
/// a busy loop's batches grow); answers come back in order, in one flush per batch. PostgreSQL then reads many
/// statements per wakeup and the loop many answers per `recv`, where a pooled connection costs a round trip, a
/// sleep and a wakeup on each side per statement (bench/README.md, change 18).
///
/// A batch is one transaction: PostgreSQL's implicit one, which its Sync commits, and which an error in any of
/// its statements rolls back whole (the statements after it come back aborted). `Mode` says what that means for
/// the statements' tasks.
///
/// Loop-confined: only tasks of the loop it belongs to touch it, and they run on that loop's thread one at a
/// time, so it needs no lock. The task whose statement is oldest reads for everyone (the reader): it waits on the
/// socket, hands each answer to its task, and once its own is in passes the role to the next task still waiting.
/// A statement that is not pipelined gets nil and runs on a pooled connection instead: when there is no
/// connection yet, too many statements are in flight, or its text is not preparable; when another statement of
/// its batch failed; and when the connection failed under it before it could have taken effect.
final class StatementPipeline {
    enum Mode: Sendable {
        /// Reads: each answer goes to its task as soon as it is in; a read is safe to run again on the pool,
        /// whatever happened to its connection.
        case reads
        /// Atomic writes of one statement each (group commit): the writes of a batch commit together, with one
        /// WAL flush, so their answers are handed out only when the batch's Sync is in. When one of them fails,
        /// none is written, and each runs again alone on the pool (the failing one then gets its own error). When
        /// the connection fails after the batch's Sync went out, the batch may have committed: its writes answer
        /// the failure and are not run again.
        case commitGroups

        /// Statements in flight at most. Past it they go to the pool, whose backends each cost PostgreSQL a
        /// wakeup per statement: at 64 reads, a loop with 128 clients sent a third of its reads there. A batch of
        /// writes runs one after another on one backend, so fewer: a write's wait stays below two batches of 32.
        var capacity: Int {
            switch self {
            case .reads: 256
            case .commitGroups: 64
            }
        }
    }

    /// How long after a failed connect the pipeline stays off (its statements use the pool meanwhile).
    static let reconnectPause: Duration = .seconds(1)

    private final class Entry {
        let text: String
        let name: String
        let deadline: ContinuousClock.Instant
        /// Its Prepare's result comes first when the statement was new to this connection.
        var awaitsPrepare: Bool
        var prepareFailed = false
        var layout: ColumnLayout?
        /// nil when finished without one: aborted by an earlier statement's error in its batch.
        var outcome: Result<QueryResult, DatabaseError>?
        var isFinished = false
        /// Its batch's Sync went out: a write may have committed from then on.
        var isSynced = false
        /// Resumed when the answer is in, or when this task is to become the reader.
        var waiter: CheckedContinuation<Void, Never>?

        init(text: String, name: String, deadline: ContinuousClock.Instant, awaitsPrepare: Bool, layout: ColumnLayout?) {
            self.text = text
            self.name = name
            self.deadline = deadline
            self.awaitsPrepare = awaitsPrepare
            self.layout = layout
        }
    }

    let mode: Mode
    private let configuration: DatabaseConfiguration
    private let reactor: IOReactor
    private let socketWaiter: any SocketWaiting
    private let counters: PipelineCounters
    private let isStopped: () -> Bool
    private var connection: PGConnection?
    private var isOpening = false
    private var closedUntil: ContinuousClock.Instant?
    /// Oldest first, from `firstInFlight`; the entries before it are finished and cut off in batches.
    private var inFlight: [Entry] = []
    private var firstInFlight = 0
    /// `.commitGroups`: the writes of the batch out whose answers are in, waiting for its Sync.
    private var answered: [Entry] = []
    /// `.commitGroups`: a write of the batch out failed, so the batch is rolled back.
    private var batchFailed = false
    private var hasReader = false
    /// Statements sent since the last Sync; the Sync goes out before the loop next waits, or once the batch out
    /// is answered.
    private var syncPending = false
    /// A Sync was sent and not yet read back: a batch is out (never more than one).
    private var batchOut = false
    /// NULL results read in a row; libpq gives at most two between real results, more means it lost track.
    private var emptyResults = 0

    init(mode: Mode, configuration: DatabaseConfiguration, reactor: IOReactor, socketWaiter: any SocketWaiting,
         counters: PipelineCounters, isStopped: @escaping () -> Bool) {
        self.mode = mode
        self.configuration = configuration
        self.counters = counters
        self.reactor = reactor
        self.socketWaiter = socketWaiter
        self.isStopped = isStopped
    }

    /// Sent and not yet answered.
    private var unansweredCount: Int { inFlight.count - firstInFlight }
    private var inFlightCount: Int { unansweredCount + answered.count }

    /// The statement's result, or nil when it should run on a pooled connection instead.
    func run(_ sql: SQL) async -> Result<QueryResult, DatabaseError>? {
        guard inFlightCount < mode.capacity, let connection = await usableConnection() else { return nil }
        guard let (name, isNew) = connection.statementCache.name(preparing: sql) else { return nil }
        let handle = connection.handle
        let sent: Bool
        do {
            // Queued in libpq's buffer; sent with the batch's Sync (or sooner, when the buffer fills).
            sent = try ParameterBuffers.withBuffers(sql.binds) { (buffers) throws(DatabaseError) -> Bool in
                if isNew, PQsendPrepare(handle, name, sql.text, Int32(sql.binds.count), nil) != 1 { return false }
                return PQsendQueryPrepared(handle, name, buffers.count, buffers.values, buffers.lengths, buffers.formats, 0) == 1
            }
        } catch {
            if isNew { connection.statementCache.forget(sql.text) }
            return .failure(error)
        }
        guard sent else {
            fail(DatabaseError(kind: .connectionUnavailable))
            return nil
        }
        let entry = Entry(text: sql.text, name: name, deadline: .now + connection.clientDeadline,
                          awaitsPrepare: isNew, layout: connection.statementCache.layouts[name])
        inFlight.append(entry)
        scheduleSync(on: connection)
        if hasReader { await withCheckedContinuation { entry.waiter = $0 } }
        if !entry.isFinished { await read(until: entry) }
        guard let outcome = entry.outcome else { return nil }
        if case .failure(let error) = outcome {
            // A write's failure is one it may have outlived (`fail`): a rolled-back batch answers nil instead.
            if mode == .commitGroups { return outcome }
            switch error.kind {
            case .connectionUnavailable, .protocolViolation: return nil
            case .query where error.isStalePreparedStatement:
                // Forget it here; the pool's retry prepares afresh.
                forget(entry)
                return nil
            case .query, .timeout: break
            }
        } else if let layout = entry.layout, self.connection === connection {
            connection.statementCache.layouts[name] = layout
        }
        return outcome
    }

    /// One Sync after the statements this turn's tasks sent, just before the loop waits (at once off a loop).
    private func scheduleSync(on connection: PGConnection) {
        guard !syncPending else { return }
        syncPending = true
        let scheduled = socketWaiter.beforeNextWait { [self] in sendSync(on: connection) }
        if !scheduled { sendSync(on: connection) }
    }

    /// While an earlier batch is still out, the statements wait for its answers and go with the next Sync then
    /// (libpq may already have flushed them; PostgreSQL holds their answers until that Sync). Batches thus grow
    /// with the load instead of waking PostgreSQL once per statement; a statement waits for one batch at most.
    private func sendSync(on connection: PGConnection) {
        // Failed meanwhile: its statements have ended already.
        guard self.connection === connection, syncPending, !batchOut else { return }
        syncPending = false
        guard PQpipelineSync(connection.handle) == 1 else { return fail(ResultReader.connectionError(connection.handle)) }
        for entry in inFlight[firstInFlight...] { entry.isSynced = true }
        batchOut = true
        counters.batches.add(1, ordering: .relaxed)
    }

    /// The open connection; opened here first (by the task that finds none), checked for a server that hung
    /// up while it sat idle, nil while it opens for another task or after a failed connect.
    private func usableConnection() async -> PGConnection? {
        if isStopped() {
            if inFlightCount == 0 { connection = nil }
            return nil
        }
        if let connection {
            if connection.isHealthy && (inFlightCount > 0 || !connection.looksDeadWhileIdle()) { return connection }
            fail(DatabaseError(kind: .connectionUnavailable))
        }
        if isOpening { return nil }
        if let closedUntil, ContinuousClock.now < closedUntil { return nil }
        isOpening = true
        defer { isOpening = false }
        do {
            let opened = try await PGConnection.open(
                configuration: configuration, reactor: reactor, socketWaiter: socketWaiter)
            guard PQenterPipelineMode(opened.handle) == 1, !isStopped() else {
                closedUntil = .now + Self.reconnectPause
                return nil
            }
            connection = opened
            return opened
        } catch {
            closedUntil = .now + Self.reconnectPause
            return nil
        }
    }

    /// Reads answers for every statement in flight until `mine`'s is in, then passes the reader role on.
    private func read(until mine: Entry) async {
        hasReader = true
        while !mine.isFinished, let connection {
            let handle = connection.handle
            if PQisBusy(handle) == 1 {
                await waitForInput(connection, until: (answered.first ?? inFlight[firstInFlight]).deadline)
            } else {
                take(PQgetResult(handle), from: connection)
            }
        }
        hasReader = false
        if firstInFlight < inFlight.count, let next = inFlight[firstInFlight].waiter {
            // The next task becomes the reader as soon as it runs; nothing can slip in between (one thread).
            hasReader = true
            inFlight[firstInFlight].waiter = nil
            next.resume()
        }
    }

    private func waitForInput(_ connection: PGConnection, until deadline: ContinuousClock.Instant) async {
        let handle = connection.handle
        let flushed = PQflush(handle)
        guard flushed >= 0 else { return fail(ResultReader.connectionError(handle)) }
        // Statements libpq could not send yet (a full socket buffer) go first; then the answers.
        let ready = await socketWaiter.wait(readable: flushed == 0, on: PQsocket(handle), until: deadline)
        // Failed meanwhile (by a task that found it broken), and perhaps replaced: nothing here is ours to end.
        guard self.connection === connection else { return }
        switch ready {
        case true?:
            if flushed == 0, PQconsumeInput(handle) != 1 { fail(ResultReader.connectionError(handle)) }
        case false?:
            // Past the oldest statement's deadline: a frozen server or a dead network. Every statement gives up.
            fail(DatabaseError(kind: .timeout, serverMessage: "no answer from the database in time"))
        case nil:
            // No longer on the loop (it stopped under a handler): the pool serves them.
            fail(DatabaseError(kind: .connectionUnavailable))
        }
    }

    /// One result: the oldest statement's Prepare's, its own, or an abort notice; or the end of a batch.
    private func take(_ result: OpaquePointer?, from connection: PGConnection) {
        guard let result else {
            emptyResults += 1
            if emptyResults > 2 { fail(DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step")) }
            return
        }
        emptyResults = 0
        let status = PQresultStatus(result)
        if status == PGRES_PIPELINE_SYNC {
            PQclear(result)
            // A Sync with no batch out, or a statement sent before this Sync still waiting: libpq lost track.
            guard batchOut, syncPending || unansweredCount == 0 else {
                return fail(DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step"))
            }
            batchOut = false
            if mode == .commitGroups { settleBatch() }
            // The statements held back while this batch was out.
            sendSync(on: connection)
            return
        }
        guard unansweredCount > 0 else {
            PQclear(result)
            return fail(DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step"))
        }
        let entry = inFlight[firstInFlight]
        if status == PGRES_PIPELINE_ABORTED {
            PQclear(result)
            if entry.awaitsPrepare {
                entry.awaitsPrepare = false
                entry.prepareFailed = true
            } else {
                answerOldest(failed: true)
            }
            return
        }
        let isPrepare = entry.awaitsPrepare
        entry.awaitsPrepare = false
        do {
            if isPrepare {
                var unused: ColumnLayout?
                _ = try ResultReader.read(result, connection: connection.handle, layout: &unused)
            } else {
                let read = try ResultReader.read(result, connection: connection.handle, layout: &entry.layout)
                if entry.outcome == nil { entry.outcome = .success(read) }
                answerOldest(failed: false)
            }
        } catch {
            // A failed Prepare is the statement's error too; its Execute then comes back aborted.
            if entry.outcome == nil { entry.outcome = .failure(error) }
            if isPrepare { entry.prepareFailed = true } else { answerOldest(failed: true) }
        }
    }

    /// The oldest statement's answer is in: to its task at once (reads), or held for the batch's Sync (writes).
    private func answerOldest(failed: Bool) {
        let entry = removeOldest()
        switch mode {
        case .reads:
            finish(entry)
        case .commitGroups:
            if failed { batchFailed = true }
            answered.append(entry)
        }
    }

    /// The batch's Sync is in: committed, so each write's answer stands; or rolled back, so each runs again alone.
    private func settleBatch() {
        let batch = answered
        let rolledBack = batchFailed
        answered.removeAll(keepingCapacity: true)
        batchFailed = false
        for entry in batch {
            if rolledBack {
                if case .failure(let error)? = entry.outcome, error.isStalePreparedStatement { forget(entry) }
                entry.outcome = nil
            }
            finish(entry)
        }
    }

    private func removeOldest() -> Entry {
        let entry = inFlight[firstInFlight]
        firstInFlight += 1
        // Under steady load something is always in flight, so the finished prefix is cut off in batches too.
        if firstInFlight == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            firstInFlight = 0
        } else if firstInFlight >= mode.capacity {
            inFlight.removeFirst(firstInFlight)
            firstInFlight = 0
        }
        return entry
    }

    private func finish(_ entry: Entry) {
        if entry.prepareFailed { forget(entry) }
        entry.isFinished = true
        entry.waiter?.resume()
        entry.waiter = nil
    }

    /// Drops a statement's prepared name that the server does not have (its Prepare failed or was aborted).
    private func forget(_ entry: Entry) {
        guard let connection, connection.statementCache.name(for: entry.text) == entry.name else { return }
        connection.statementCache.forget(entry.text)
    }

    /// Ends every statement in flight with `error` and drops the connection; the next statement opens another.
    /// A write whose batch's Sync had not gone out cannot have committed, so it runs again on the pool.
    private func fail(_ error: DatabaseError) {
        let failed = answered + inFlight[firstInFlight...]
        inFlight = []
        firstInFlight = 0
        answered = []
        batchFailed = false
        emptyResults = 0
        syncPending = false
        batchOut = false
        connection?.isBroken = true
        connection = nil
        for entry in failed {
            entry.outcome = mode == .commitGroups && !entry.isSynced ? nil : .failure(error)
            entry.isFinished = true
            entry.waiter?.resume()
            entry.waiter = nil
        }
    }
}
