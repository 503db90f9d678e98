import CLibPQ
import Synchronization

/// The single statements of one event loop's request tasks, sent on one connection of the loop's own in libpq
/// pipeline mode. The statements the loop's tasks ask for go out together, closed by one Sync: just before the
/// loop next waits, or, while an earlier batch is out, once its answers are in (so at most one batch is out, and
/// a busy loop's batches grow); answers come back in order, in one flush per batch. PostgreSQL then reads many
/// statements per wakeup and the loop many answers per `recv`, where a pooled connection costs a round trip, a
/// sleep and a wakeup on each side per statement (docs/architecture.md, "Pipelined reads").
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

    /// One task's statement: what the task waits on.
    final class Entry {
        let sql: SQL
        /// nil when it is to run on the pool instead.
        var outcome: Result<QueryResult, DatabaseError>?
        var isFinished = false
        /// Its batch's Sync went out: a write may have committed from then on.
        var isSynced = false
        /// Resumed when the answer is in, or when this task is to become the reader.
        var waiter: CheckedContinuation<Void, Never>?
        /// A mergeable read not sent yet (it goes with the next Sync).
        var isPending = false

        init(sql: SQL) { self.sql = sql }
    }

    /// One statement on the wire: one task's, or several tasks' reads merged into one (`MergedReads`).
    final class Sent {
        let text: String
        let name: String
        let deadline: ContinuousClock.Instant
        let members: [Entry]
        /// The digest of the statement the members asked for, when `text` merges several runs of it.
        let mergedDigest: UInt64?
        /// Its Prepare's result comes first when the statement was new to this connection.
        var awaitsPrepare: Bool
        var prepareFailed = false
        var layout: ColumnLayout?

        init(text: String, name: String, deadline: ContinuousClock.Instant, members: [Entry], mergedDigest: UInt64?,
             awaitsPrepare: Bool, layout: ColumnLayout?) {
            self.text = text
            self.name = name
            self.deadline = deadline
            self.members = members
            self.mergedDigest = mergedDigest
            self.awaitsPrepare = awaitsPrepare
            self.layout = layout
        }
    }

    let mode: Mode
    let configuration: DatabaseConfiguration
    let reactor: IOReactor
    let socketWaiter: any SocketWaiting
    let counters: PipelineCounters
    let isStopped: () -> Bool
    var connection: PGConnection?
    var isOpening = false
    var closedUntil: ContinuousClock.Instant?
    /// Oldest first, from `firstInFlight`; the statements before it are finished and cut off in batches.
    var inFlight: [Sent] = []
    var firstInFlight = 0
    /// `.commitGroups`: the writes of the batch out whose answers are in, waiting for its Sync.
    var answered: [Sent] = []
    /// `.commitGroups`: a write of the batch out failed, so the batch is rolled back.
    var batchFailed = false
    /// Mergeable reads asked for since the last Sync, in order: they go out with it, several runs of one
    /// statement merged into one.
    var pending: [Entry] = []
    /// Digests of the statements whose merged form PostgreSQL refused as SQL (a parameter that is not text where
    /// it stands; `DatabaseError.isRefusedStatementForm`): they run one by one from then on. A merged execution
    /// that fails on one run's value leaves its statement mergeable.
    var unmergeable: Set<UInt64> = []
    /// Merged forms made so far, by the digest of the statement they merge.
    var mergedStatements: [UInt64: (original: String, merged: SQL)] = [:]
    /// Tasks' statements asked for and not finished: the pipeline's load, against `mode.capacity`.
    var unfinished = 0
    var hasReader = false
    /// Statements sent since the last Sync; the Sync goes out before the loop next waits, or once the batch out
    /// is answered.
    var syncPending = false
    /// A Sync was sent and not yet read back: a batch is out (never more than one).
    var batchOut = false
    /// NULL results read in a row; libpq gives at most two between real results, more means it lost track.
    var emptyResults = 0

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
    var unansweredCount: Int { inFlight.count - firstInFlight }

    /// The statement's result, or nil when it should run on a pooled connection instead.
    func run(_ sql: SQL) async -> Result<QueryResult, DatabaseError>? {
        guard unfinished < mode.capacity, let connection = await usableConnection() else { return nil }
        let entry = Entry(sql: sql)
        if mode == .reads, sql.isMergeableRead, !unmergeable.contains(sql.digest) {
            // Goes out with the Sync, merged with the same statement's other runs; a task becomes the reader
            // once it is sent.
            unfinished += 1
            entry.isPending = true
            pending.append(entry)
            scheduleSync(on: connection)
            if entry.isPending || hasReader { await withCheckedContinuation { entry.waiter = $0 } }
        } else {
            guard send(sql, members: [entry], mergedDigest: nil, on: connection) else { return nil }
            unfinished += 1
            scheduleSync(on: connection)
            if hasReader { await withCheckedContinuation { entry.waiter = $0 } }
        }
        if !entry.isFinished { await read(until: entry) }
        guard let outcome = entry.outcome else { return nil }
        if case .failure(let error) = outcome {
            // A write's failure is one it may have outlived (`fail`): a rolled-back batch answers nil instead.
            if mode == .commitGroups { return outcome }
            switch error.kind {
            case .connectionUnavailable, .protocolViolation: return nil
            case .query where error.isStalePreparedStatement:
                // Forget it here (unless the connection was replaced meanwhile); the pool's retry prepares afresh.
                if self.connection === connection { connection.statementCache.forget(sql.text) }
                return nil
            case .query, .timeout, .deadlineExceeded: break
            }
        }
        return outcome
    }

    /// Queues one statement in libpq's buffer (sent with the batch's Sync, or sooner when the buffer fills) and
    /// appends it to the statements in flight; false when it cannot go (not preparable, or the connection
    /// failed: `fail` has then ended everything in flight).
    @discardableResult
    func send(_ sql: SQL, members: [Entry], mergedDigest: UInt64?, on connection: PGConnection) -> Bool {
        let text = sql.text
        let binds = sql.binds
        guard let (name, isNew) = connection.statementCache.name(preparing: sql) else { return false }
        let handle = connection.handle
        let sent: Bool
        do {
            sent = try ParameterBuffers.withBuffers(binds) { (buffers) throws(DatabaseError) -> Bool in
                if isNew, PQsendPrepare(handle, name, text, Int32(binds.count), nil) != 1 { return false }
                return PQsendQueryPrepared(handle, name, buffers.count, buffers.values, buffers.lengths, buffers.formats, 0) == 1
            }
        } catch {
            // The body throws nothing; were it to, nothing was queued, so the pool would serve the members.
            if isNew { connection.statementCache.forget(text) }
            return false
        }
        guard sent else {
            fail(DatabaseError(kind: .connectionUnavailable))
            return false
        }
        inFlight.append(Sent(
            text: text, name: name, deadline: .now + connection.clientDeadline, members: members,
            mergedDigest: mergedDigest, awaitsPrepare: isNew, layout: connection.statementCache.layouts[name]))
        return true
    }

    /// One Sync after the statements this turn's tasks sent, just before the loop waits (at once off a loop).
    private func scheduleSync(on connection: PGConnection) {
        guard !syncPending else { return }
        syncPending = true
        sendSyncBeforeNextWait(on: connection)
    }

    /// The Sync for the statements held back while the batch was out, now that it is in: also just before the
    /// loop waits, not at once, so that the requests of this loop turn whose tasks have not run yet go in the same
    /// batch. Sent at once, it would leave them for a batch of their own, and at 16 clients about a third of the
    /// batches would hold one read.
    func scheduleHeldSync(on connection: PGConnection) {
        if syncPending { sendSyncBeforeNextWait(on: connection) }
    }

    private func sendSyncBeforeNextWait(on connection: PGConnection) {
        let scheduled = socketWaiter.beforeNextWait { [self] in sendSync(on: connection) }
        if !scheduled { sendSync(on: connection) }
    }

    /// While an earlier batch is still out, the statements wait for its answers and go with the next Sync then
    /// (libpq may already have flushed them; PostgreSQL holds their answers until that Sync). Batches thus grow
    /// with the load instead of waking PostgreSQL once per statement; a statement waits for one batch at most.
    func sendSync(on connection: PGConnection) {
        // Failed meanwhile: its statements have ended already.
        guard self.connection === connection, syncPending, !batchOut else { return }
        syncPending = false
        sendPending(on: connection)
        guard self.connection === connection else { return }
        if mode == .commitGroups {
            // Before the Sync is handed to libpq: should that fail halfway, the writes may still have committed.
            for sent in inFlight[firstInFlight...] {
                for member in sent.members { member.isSynced = true }
            }
        }
        guard PQpipelineSync(connection.handle) == 1 else { return fail(ResultReader.connectionError(connection.handle)) }
        batchOut = true
        counters.batches.add(1, ordering: .relaxed)
        // The first read that was pending reads for everyone, unless a reader is at work already.
        if !hasReader, let next = nextWaiter() {
            hasReader = true
            next.resume()
        }
    }

    /// The pending reads, each statement's runs merged into one when there are several.
    private func sendPending(on connection: PGConnection) {
        guard !pending.isEmpty else { return }
        // A batch holds a few distinct statements at most: a scan by digest beats hashing each text again.
        var runs: [(digest: UInt64, text: String, members: [Entry])] = []
        for entry in pending {
            entry.isPending = false
            let digest = entry.sql.digest
            if let index = runs.firstIndex(where: { $0.digest == digest && $0.text == entry.sql.text }) {
                runs[index].members.append(entry)
            } else {
                runs.append((digest, entry.sql.text, [entry]))
            }
        }
        pending.removeAll(keepingCapacity: true)
        for run in runs {
            // The connection failed under an earlier one: these go to the pool.
            guard self.connection === connection else {
                finish(run.members)
                continue
            }
            let first = run.members[0].sql
            if run.members.count > 1, var merged = mergedStatement(for: first),
               let binds = MergedReads.binds(run.members.map(\.sql.binds)) {
                merged.binds = binds
                if !send(merged, members: run.members, mergedDigest: run.digest, on: connection) { finish(run.members) }
            } else {
                for member in run.members where !send(member.sql, members: [member], mergedDigest: nil, on: connection) {
                    finish([member])
                }
            }
        }
    }

    /// The merged form of `sql`'s text, made once per text (its digest with it, for the statement cache).
    private func mergedStatement(for sql: SQL) -> SQL? {
        let key = sql.digest
        if let known = mergedStatements[key], known.original == sql.text { return known.merged }
        guard let text = MergedReads.text(merging: sql.text, parameterCount: sql.binds.count) else { return nil }
        var merged = SQL(unsafe: text)
        merged.knownDigest = ByteHash.of(text)
        if mergedStatements.count >= mode.capacity { mergedStatements.removeAll() }
        mergedStatements[key] = (sql.text, merged)
        return merged
    }
}
