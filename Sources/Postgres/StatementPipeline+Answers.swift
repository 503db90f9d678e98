import CLibPQ
import Synchronization

/// How a `StatementPipeline` hands out what comes back: results to their statements' tasks, batches ends, and
/// failures.
extension StatementPipeline {
    /// One result: the oldest statement's Prepare's, its own, or an abort notice; or the end of a batch.
    func take(_ result: OpaquePointer?, from connection: PGConnection) {
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
            scheduleHeldSync(on: connection)
            return
        }
        guard unansweredCount > 0 else {
            PQclear(result)
            return fail(DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step"))
        }
        let sent = inFlight[firstInFlight]
        if status == PGRES_PIPELINE_ABORTED {
            PQclear(result)
            if sent.awaitsPrepare {
                sent.awaitsPrepare = false
                sent.prepareFailed = true
            } else {
                answerOldest(failed: true)
            }
            return
        }
        let isPrepare = sent.awaitsPrepare
        sent.awaitsPrepare = false
        do {
            if isPrepare {
                var unused: ColumnLayout?
                _ = try ResultReader.read(result, connection: connection.handle, layout: &unused)
            } else {
                let read = try ResultReader.read(result, connection: connection.handle, layout: &sent.layout)
                if let layout = sent.layout { connection.statementCache.layouts[sent.name] = layout }
                deliver(read, to: sent)
                answerOldest(failed: false)
            }
        } catch {
            if let original = sent.mergedDigest {
                if error.isStalePreparedStatement {
                    connection.statementCache.forget(sent.text)
                } else if error.isRefusedStatementForm {
                    // Merged, it is not valid SQL (a parameter that is not text): its runs go one by one from now on.
                    // Any other failure is one run's value (a malformed one breaks the whole array literal), so
                    // merging stays on: the runs go one by one to the pool this time, each getting its own answer.
                    unmergeable.insert(original)
                }
            } else {
                // A failed Prepare is the statement's error too; its Execute then comes back aborted.
                for member in sent.members where member.outcome == nil { member.outcome = .failure(error) }
            }
            if isPrepare { sent.prepareFailed = true } else { answerOldest(failed: true) }
        }
    }

    /// A statement's rows to its task, or a merged statement's to each of its runs' tasks (none, for the pool,
    /// if the rows cannot be told apart).
    private func deliver(_ read: QueryResult, to sent: Sent) {
        guard sent.mergedDigest != nil else {
            for member in sent.members where member.outcome == nil { member.outcome = .success(read) }
            return
        }
        guard let parts = MergedReads.split(read, runs: sent.members.count) else { return }
        for (member, part) in zip(sent.members, parts) { member.outcome = .success(part) }
        counters.merged.add(sent.members.count, ordering: .relaxed)
    }

    /// The oldest statement's answer is in: to its tasks at once (reads), or held for the batch's Sync (writes).
    private func answerOldest(failed: Bool) {
        let sent = removeOldest()
        switch mode {
        case .reads:
            finish(sent)
        case .commitGroups:
            if failed { batchFailed = true }
            answered.append(sent)
        }
    }

    /// The batch's Sync is in: committed, so each write's answer stands; or rolled back, so each runs again alone.
    private func settleBatch() {
        let batch = answered
        let rolledBack = batchFailed
        answered.removeAll(keepingCapacity: true)
        batchFailed = false
        for sent in batch {
            if rolledBack {
                for member in sent.members {
                    if case .failure(let error)? = member.outcome, error.isStalePreparedStatement { forget(sent) }
                    member.outcome = nil
                }
            }
            finish(sent)
        }
    }

    private func removeOldest() -> Sent {
        let sent = inFlight[firstInFlight]
        firstInFlight += 1
        // Under steady load something is always in flight, so the finished prefix is cut off in batches too.
        if firstInFlight == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            firstInFlight = 0
        } else if firstInFlight >= mode.capacity {
            inFlight.removeFirst(firstInFlight)
            firstInFlight = 0
        }
        return sent
    }

    private func finish(_ sent: Sent) {
        if sent.prepareFailed { forget(sent) }
        finish(sent.members)
    }

    /// Hands each task its outcome (nil: run it on the pool).
    func finish(_ members: [Entry]) {
        for member in members {
            member.isFinished = true
            unfinished -= 1
            member.waiter?.resume()
            member.waiter = nil
        }
    }

    /// Drops a statement's prepared name that the server does not have (its Prepare failed or was aborted).
    private func forget(_ sent: Sent) {
        guard let connection, connection.statementCache.name(for: sent.text) == sent.name else { return }
        connection.statementCache.forget(sent.text)
    }

    /// Ends every statement in flight with `error` and drops the connection; the next statement opens another.
    /// A write whose batch's Sync had not gone out cannot have committed, so it runs again on the pool, as do
    /// reads not sent yet.
    func fail(_ error: DatabaseError) {
        let failed = answered + inFlight[firstInFlight...]
        let unsent = pending
        inFlight = []
        firstInFlight = 0
        answered = []
        pending = []
        batchFailed = false
        emptyResults = 0
        syncPending = false
        batchOut = false
        connection?.isBroken = true
        connection = nil
        for sent in failed {
            for member in sent.members {
                member.outcome = mode == .commitGroups && !member.isSynced ? nil : .failure(error)
            }
            finish(sent.members)
        }
        for entry in unsent { entry.isPending = false }
        finish(unsent)
    }
}
