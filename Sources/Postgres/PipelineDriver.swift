import CLibPQ
import Synchronization

/// One event loop's pipeline of a mode: the connection of the loop's own, in libpq pipeline mode, on which its
/// request tasks' single statements go out in batches. It does the libpq calls and keeps the tasks'
/// continuations; what to send, when to Sync, who reads and what each task gets are the rules of its
/// `PipelineStateMachine`, which it tells what happened and whose effects it carries out.
///
/// Loop-confined: only tasks of the loop it belongs to touch it, and they run on that loop's thread one at a
/// time, so it needs no lock. A statement that is not pipelined gets nil and runs on a pooled connection
/// instead: when there is no connection yet, too many statements are in flight, or its text is not preparable;
/// when another statement of its batch failed; and when the connection failed under it before it could have
/// taken effect.
final class PipelineDriver {
    typealias Machine = PipelineStateMachine

    let configuration: DatabaseConfiguration
    let reactor: IOReactor
    let socketWaiter: any SocketWaiting
    let counters: AtomicPipelineCounts
    let isStopped: () -> Bool
    var machine: Machine
    /// The waiting tasks, by ticket slot.
    var waiters: [CheckedContinuation<Void, Never>?] = []
    /// The machine's current connection (`machine.isOpen`), or nil.
    var connection: PGConnection?

    init(mode: PipelineMode, configuration: DatabaseConfiguration, reactor: IOReactor, socketWaiter: any SocketWaiting,
         counters: AtomicPipelineCounts, isStopped: @escaping () -> Bool) {
        machine = Machine(mode: mode)
        self.configuration = configuration
        self.counters = counters
        self.reactor = reactor
        self.socketWaiter = socketWaiter
        self.isStopped = isStopped
    }

    /// The statement's result, or nil when it should run on a pooled connection instead.
    func run(_ sql: SQL) async -> Result<QueryResult, DatabaseError>? {
        guard machine.hasRoom, let connection = await usableConnection() else { return nil }
        let ticket: Machine.Ticket
        switch machine.statementAsked(sql) {
        case .held(let held):
            ticket = held
        case .sendNow:
            guard let (name, isNew) = send(sql, on: connection) else { return nil }
            ticket = machine.statementSent(sql, name: name, isNew: isNew, deadline: .now + connection.clientDeadline)
        }
        performEffects()
        if machine.mustWait(ticket) { await withCheckedContinuation { park($0, ticket) } }
        if !machine.isFinished(ticket) { await read(until: ticket) }
        let outcome = machine.takeOutcome(ticket)
        performEffects()
        return outcome
    }

    /// Queues one statement in libpq's buffer (sent with the batch's Sync, or sooner when the buffer fills): its
    /// prepared name, and whether it is prepared first. nil when it cannot go (not preparable, or the connection
    /// failed: every statement in flight has then ended).
    func send(_ sql: SQL, on connection: PGConnection) -> (name: String, isNew: Bool)? {
        let text = sql.text
        let binds = sql.binds
        guard let (name, isNew) = connection.statementCache.name(preparing: sql) else { return nil }
        let handle = connection.handle
        let sent: Bool
        do {
            sent = try ParameterBuffers.withBuffers(binds) { (buffers) throws(DatabaseError) -> Bool in
                if isNew, PQsendPrepare(handle, name, text, Int32(binds.count), nil) != 1 { return false }
                return PQsendQueryPrepared(handle, name, buffers.count, buffers.values, buffers.lengths, buffers.formats, 0) == 1
            }
        } catch {
            // The body throws nothing; were it to, nothing was queued, so the pool would serve the statement.
            if isNew { connection.statementCache.forget(text) }
            return nil
        }
        guard sent else {
            fail(DatabaseError(kind: .connectionUnavailable))
            return nil
        }
        return (name, isNew)
    }

    /// The open connection; opened here first (by the task that finds none), checked for a server that hung
    /// up while it sat idle, nil while it opens for another task or after a failed connect.
    func usableConnection() async -> PGConnection? {
        if isStopped() {
            machine.connectionReleased()
            performEffects()
            return nil
        }
        if let connection {
            if connection.isHealthy && (machine.unfinished > 0 || !connection.looksDeadWhileIdle()) { return connection }
            fail(DatabaseError(kind: .connectionUnavailable))
        }
        guard machine.connectionWanted(now: .now) else { return nil }
        let opened: PGConnection
        do {
            opened = try await PGConnection.open(configuration: configuration, reactor: reactor, socketWaiter: socketWaiter)
        } catch {
            machine.connectionNotOpened(now: .now)
            return nil
        }
        guard PQenterPipelineMode(opened.handle) == 1, !isStopped() else {
            machine.connectionNotOpened(now: .now)
            return nil
        }
        machine.connectionOpened()
        connection = opened
        return opened
    }

    /// Keeps the task's continuation until the machine resumes its ticket.
    private func park(_ waiter: CheckedContinuation<Void, Never>, _ ticket: Machine.Ticket) {
        while waiters.count <= ticket.slot { waiters.append(nil) }
        waiters[ticket.slot] = waiter
        machine.waiting(ticket)
    }

    /// Ends every statement in flight with `error` and drops the connection.
    func fail(_ error: DatabaseError) {
        machine.connectionFailed(error)
        performEffects()
    }

    /// Carries out what the machine asked for, in order.
    func performEffects() {
        guard machine.hasEffects else { return }
        while let effect = machine.nextEffect() {
            switch effect {
            case .resume(let ticket):
                waiters[ticket.slot]?.resume()
                waiters[ticket.slot] = nil
            case .scheduleSync:
                let epoch = machine.epoch
                if !socketWaiter.beforeNextWait({ [self] in sendSync(epoch) }) { sendSync(epoch) }
            case .forgetPrepared(let text, let onlyIfNamed):
                guard let connection else { break }
                if onlyIfNamed == nil || connection.statementCache.name(for: text) == onlyIfNamed {
                    connection.statementCache.forget(text)
                }
            case .dropConnection:
                connection?.isBroken = true
                connection = nil
            case .countMerged(let count):
                counters.merged.add(count, ordering: .relaxed)
            }
        }
    }
}
