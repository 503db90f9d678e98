import CLibPQ
import Synchronization

/// How a `PipelineDriver` sends a batch's Sync and reads: one task at a time (the reader) waits on the socket for
/// everyone and hands each result to the machine.
extension PipelineDriver {
    /// The Sync scheduled for connection `epoch`, with the reads held for it.
    func sendSync(_ epoch: Int) {
        guard machine.syncDue(epoch: epoch), let connection else { return }
        while let held = machine.nextHeldSend() {
            if let (name, isNew) = send(held.sql, on: connection) {
                machine.heldSent(held, name: name, isNew: isNew, deadline: .now + connection.clientDeadline)
            } else {
                machine.heldNotSent(held)
            }
        }
        if machine.isCurrent(epoch) {
            if PQpipelineSync(connection.handle) == 1 {
                counters.batches.add(1, ordering: .relaxed)
                machine.syncSent()
            } else {
                machine.syncFailed(ResultReader.connectionError(connection.handle))
            }
        }
        performEffects()
    }

    /// Reads results for every statement in flight until `ticket`'s is in (`PipelineStateMachine.readStep`),
    /// then passes the reader role on.
    func read(until ticket: Machine.Ticket) async {
        machine.readerStarted()
        while case .read(let deadline) = machine.readStep(for: ticket), let connection {
            let handle = connection.handle
            if PQisBusy(handle) == 1 {
                await waitForInput(connection, until: deadline ?? .now + connection.clientDeadline)
            } else {
                take(PQgetResult(handle), from: connection)
            }
        }
        machine.readerStopped()
        performEffects()
    }

    /// One result: the oldest statement's Prepare's, its own, or an abort notice; or the end of a batch.
    private func take(_ result: OpaquePointer?, from connection: PGConnection) {
        if let result {
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC:
                PQclear(result)
                machine.syncArrived()
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
                machine.abortedArrived()
            default:
                let outcome = readResult(result, answering: machine.expectedResult, from: connection)
                machine.resultRead(outcome)
            }
        } else {
            machine.noResult()
        }
        performEffects()
    }

    /// A statement's result, read with its prepared statement's column layout (kept for its next run), or a
    /// Prepare's.
    private func readResult(
        _ result: OpaquePointer, answering expected: (name: String, isPrepare: Bool)?, from connection: PGConnection
    ) -> Result<QueryResult, DatabaseError> {
        guard let expected, !expected.isPrepare else {
            var unused: ColumnLayout?
            do { return .success(try ResultReader.read(result, connection: connection.handle, layout: &unused)) } catch {
                return .failure(error)
            }
        }
        let known = connection.statementCache.layouts[expected.name]
        var layout = known
        do {
            let read = try ResultReader.read(result, connection: connection.handle, layout: &layout)
            if let layout, layout !== known { connection.statementCache.layouts[expected.name] = layout }
            return .success(read)
        } catch {
            return .failure(error)
        }
    }

    private func waitForInput(_ connection: PGConnection, until deadline: ContinuousClock.Instant) async {
        let epoch = machine.epoch
        let handle = connection.handle
        let flushed = PQflush(handle)
        guard flushed >= 0 else { return fail(ResultReader.connectionError(handle)) }
        // Statements libpq could not send yet (a full socket buffer) go first; then the answers.
        let ready = await socketWaiter.wait(readable: flushed == 0, on: PQsocket(handle), until: deadline)
        // Failed meanwhile (by a task that found it broken), and perhaps replaced: nothing here is ours to end.
        guard machine.isCurrent(epoch) else { return }
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
}
