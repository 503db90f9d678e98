@testable import Postgres
import Testing

/// Drives a `PipelineStateMachine` as `PipelineDriver` does, with named tasks and no database: each step is what
/// libpq or the loop would report, and the effects are collected, tasks by name, for the test to look at.
final class PipelineHarness {
    typealias Machine = PipelineStateMachine

    /// An effect, its task named.
    enum Seen: Equatable {
        case resume(String)
        case scheduleSync
        case forgetPrepared(text: String, onlyIfNamed: String?)
        case dropConnection
        case countMerged(Int)
    }

    /// One thing that happens to the pipeline.
    enum Step: Sendable, CustomStringConvertible {
        /// Task `name` asks for a plain statement, sent at once (`isNew`: prepared first).
        case send(String, isNew: Bool = false)
        /// Task `name` asks for a run of the mergeable read, with `value` as its parameter.
        case hold(String, value: String)
        /// The Sync is due and goes out, with the held reads.
        case sync
        /// As `sync`, the held reads' statements new to the connection (each prepared first).
        case syncPreparing
        /// Queuing the Sync fails.
        case syncFails
        /// The oldest statement's result: one row whose `n` is `value`.
        case rows(String)
        /// A merged statement's result: a row per run, `ordinal:value` each, comma-separated.
        case tagged(String)
        /// The oldest statement (or its Prepare) fails with `sqlState`.
        case error(String)
        /// The oldest statement (or its Prepare) comes back aborted.
        case aborted
        /// The batch's Sync is back.
        case syncBack
        /// The connection fails (its kind), as a lost socket, a send that failed or a passed deadline.
        case lost(DatabaseError.Kind)

        var isPreparing: Bool {
            if case .syncPreparing = self { return true }
            return false
        }

        var description: String {
            switch self {
            case .send(let name, let isNew): "send \(name)\(isNew ? " (new)" : "")"
            case .hold(let name, let value): "hold \(name)=\(value)"
            case .sync: "sync"
            case .syncPreparing: "sync, preparing"
            case .syncFails: "sync fails"
            case .rows(let value): "rows \(value)"
            case .tagged(let rows): "tagged \(rows)"
            case .error(let state): "error \(state)"
            case .aborted: "aborted"
            case .syncBack: "sync back"
            case .lost(let kind): "lost (\(kind))"
            }
        }
    }

    /// What a task got: rows (the first row's `n`, or the `n`s joined by commas), an error, or the pool.
    enum Outcome: Equatable, Sendable, CustomStringConvertible {
        case rows(String)
        case error(String)
        case pool

        var description: String {
            switch self {
            case .rows(let value): "rows \(value)"
            case .error(let state): "error \(state)"
            case .pool: "pool"
            }
        }
    }

    static let mergeable: SQL = "SELECT n FROM t WHERE k = \("key")"

    let start = ContinuousClock.now
    var machine: Machine
    var tickets: [String: Machine.Ticket] = [:]
    /// The task each ticket slot was last given to.
    var names: [Int: String] = [:]
    var effects: [Seen] = []
    /// What went out at the last Syncs, in order.
    var heldSends: [Machine.HeldSend] = []

    /// A machine of `mode` whose connection is open.
    init(_ mode: PipelineMode) {
        machine = Machine(mode: mode)
        _ = machine.connectionWanted(now: start)
        machine.connectionOpened()
    }

    func drain() {
        while let effect = machine.nextEffect() {
            switch effect {
            case .resume(let ticket): effects.append(.resume(names[ticket.slot] ?? "?"))
            case .scheduleSync: effects.append(.scheduleSync)
            case .forgetPrepared(let text, let name): effects.append(.forgetPrepared(text: text, onlyIfNamed: name))
            case .dropConnection: effects.append(.dropConnection)
            case .countMerged(let count): effects.append(.countMerged(count))
            }
        }
    }

    /// The effects since the last call, and forgets them.
    func takeEffects() -> [Seen] {
        drain()
        defer { effects = [] }
        return effects
    }

    func run(_ steps: [Step]) {
        for step in steps { run(step) }
    }

    func run(_ step: Step) {
        switch step {
        case .send(let name, let isNew):
            // A binary parameter: such a read cannot merge, so it goes out at once.
            var sql = SQL.joining(["SELECT n FROM t WHERE name = \(name)", SQL(unsafe: "/* \(name) */")])
            sql.binds = [.binary(Array(name.utf8))]
            let admission = machine.statementAsked(sql)
            #expect(admission == .sendNow)
            ticket(name, machine.statementSent(sql, name: "ea_\(name)", isNew: isNew, deadline: start + .seconds(1)))
        case .hold(let name, let value):
            var sql = Self.mergeable
            sql.binds = [.text(value)]
            switch machine.statementAsked(sql) {
            case .held(let ticket):
                self.ticket(name, ticket)
            case .sendNow:
                ticket(name, machine.statementSent(sql, name: "ea_merge", isNew: false, deadline: start + .seconds(1)))
            }
        case .sync, .syncPreparing:
            guard machine.syncDue(epoch: machine.epoch) else { return }
            while let held = machine.nextHeldSend() {
                heldSends.append(held)
                machine.heldSent(held, name: held.mergedDigest == nil ? "ea_merge" : "ea_merged",
                                 isNew: step.isPreparing, deadline: start + .seconds(1))
            }
            machine.syncSent()
        case .syncFails:
            guard machine.syncDue(epoch: machine.epoch) else { return }
            while let held = machine.nextHeldSend() { machine.heldNotSent(held) }
            machine.syncFailed(DatabaseError(kind: .connectionUnavailable))
        case .rows(let value):
            machine.resultRead(.success(Self.result(value)))
        case .tagged(let rows):
            machine.resultRead(.success(Self.tagged(rows)))
        case .error(let state):
            machine.resultRead(.failure(DatabaseError(kind: .query, sqlState: state)))
        case .aborted:
            machine.abortedArrived()
        case .syncBack:
            machine.syncArrived()
        case .lost(let kind):
            machine.connectionFailed(DatabaseError(kind: kind))
        }
        drain()
    }

    /// The task asked; it waits when the machine says so, as a task of the driver does.
    private func ticket(_ name: String, _ ticket: Machine.Ticket) {
        tickets[name] = ticket
        names[ticket.slot] = name
        if machine.mustWait(ticket) { machine.waiting(ticket) }
    }

    func isFinished(_ name: String) -> Bool { machine.isFinished(tickets[name]!) }

    /// The task's outcome, taken as `PipelineDriver.run` takes it.
    func outcome(_ name: String) -> Outcome {
        guard let ticket = tickets.removeValue(forKey: name) else { return .error("no such task") }
        let outcome = machine.takeOutcome(ticket)
        drain()
        switch outcome {
        case nil: return .pool
        case .success(let result)?:
            return .rows(result.rows.map { (try? $0.string("n")) ?? "?" }.joined(separator: ","))
        case .failure(let error)?:
            return .error(error.sqlState ?? "\(error.kind)")
        }
    }

    /// One row whose `n` is `value`.
    static func result(_ value: String) -> QueryResult {
        QueryResult(rows: [Row(layout: ColumnLayout(names: ["n"]), values: [value])], affectedRows: 1)
    }

    /// A merged statement's rows from `ordinal:value,…`: each carries its run's ordinal first.
    static func tagged(_ rows: String) -> QueryResult {
        let layout = ColumnLayout(names: [MergedReads.ordinalColumn, "n"])
        let parsed = rows.split(separator: ",").map { pair in
            let parts = pair.split(separator: ":").map(String.init)
            return Row(layout: layout, values: [parts[0], parts[1]])
        }
        return QueryResult(rows: parsed, affectedRows: parsed.count)
    }
}
