/// How a `PipelineStateMachine` hands out what comes back: results to their statements' tasks, batch ends, and
/// failures.
extension PipelineStateMachine {
    /// What the next result answers, for reading it: the oldest statement's Prepare, or the statement itself (its
    /// prepared name, whose column layout the driver keeps); nil when nothing is on the wire.
    var expectedResult: (name: String, isPrepare: Bool)? {
        guard unansweredCount > 0 else { return nil }
        let sent = inFlight[firstInFlight]
        return (sent.name, sent.awaitsPrepare)
    }

    /// libpq had no result to give: it gives at most two in a row between real ones.
    mutating func noResult() {
        emptyResults += 1
        if emptyResults > 2 { connectionFailed(.outOfStep) }
    }

    /// A batch's Sync is back. Writes: the batch committed, or rolled back (`settleBatch`). The statements held
    /// meanwhile go with the next Sync, also just before the loop waits, not at once: the requests of this loop
    /// turn whose tasks have not run yet then join them. Sent at once, it would leave them for a batch of their
    /// own, and at 16 clients about a third of the batches would hold one read.
    mutating func syncArrived() {
        emptyResults = 0
        // A Sync with no batch out, or a statement sent before this Sync still waiting: libpq lost track.
        guard batchOut, syncPending || unansweredCount == 0 else { return connectionFailed(.outOfStep) }
        batchOut = false
        if mode == .commitGroups { settleBatch() }
        if syncPending { effects.append(.scheduleSync) }
    }

    /// The oldest statement came back aborted (an earlier one of its batch failed): when it was new, its Prepare
    /// first, and then its Execute.
    mutating func abortedArrived() {
        emptyResults = 0
        guard unansweredCount > 0 else { return connectionFailed(.outOfStep) }
        if inFlight[firstInFlight].awaitsPrepare {
            inFlight[firstInFlight].awaitsPrepare = false
            inFlight[firstInFlight].prepareFailed = true
        } else {
            answerOldest(failed: true)
        }
    }

    /// The oldest statement's result (or its Prepare's, `expectedResult`), read.
    mutating func resultRead(_ outcome: Result<QueryResult, DatabaseError>) {
        emptyResults = 0
        guard unansweredCount > 0 else { return connectionFailed(.outOfStep) }
        let isPrepare = inFlight[firstInFlight].awaitsPrepare
        inFlight[firstInFlight].awaitsPrepare = false
        switch outcome {
        case .success(let result):
            guard !isPrepare else { return }
            deliver(result, to: inFlight[firstInFlight])
            answerOldest(failed: false)
        case .failure(let error):
            let sent = inFlight[firstInFlight]
            if let original = sent.mergedDigest {
                if error.isStalePreparedStatement {
                    effects.append(.forgetPrepared(text: sent.text, onlyIfNamed: nil))
                } else if error.isRefusedStatementForm {
                    // Merged, it is not valid SQL (a parameter that is not text): its runs go one by one from now
                    // on. Any other failure is one run's value (a malformed one breaks the whole array literal), so
                    // merging stays on: the runs go one by one to the pool this time, each getting its own answer.
                    unmergeable.insert(original)
                }
            } else {
                // A failed Prepare is the statement's error too; its Execute then comes back aborted.
                for slot in sent.members where entries[slot].outcome == nil { entries[slot].outcome = .failure(error) }
            }
            if isPrepare { inFlight[firstInFlight].prepareFailed = true } else { answerOldest(failed: true) }
        }
    }

    /// Ends every statement in flight with `error` and lets the connection go; the next statement opens another.
    /// A write whose batch's Sync had not gone out cannot have committed, so it runs again on the pool, as do
    /// reads not sent yet.
    mutating func connectionFailed(_ error: DatabaseError) {
        if isOpen { effects.append(.dropConnection) }
        isOpen = false
        let failed = answered + inFlight[firstInFlight...]
        inFlight.removeAll(keepingCapacity: true)
        firstInFlight = 0
        answered.removeAll(keepingCapacity: true)
        batchFailed = false
        emptyResults = 0
        syncPending = false
        batchOut = false
        for sent in failed {
            for slot in sent.members {
                entries[slot].outcome = mode == .commitGroups && !entries[slot].isSynced ? nil : .failure(error)
            }
            finish(sent.members)
        }
        for slot in pending { entries[slot].isPending = false }
        finish(pending)
        pending.removeAll(keepingCapacity: true)
        while let held = nextHeldSend() { finish(held.members) }
    }

    /// Hands each task its outcome (nil: run it on the pool).
    mutating func finish(_ slots: some Collection<Int>) {
        for slot in slots {
            entries[slot].isFinished = true
            unfinished -= 1
            if entries[slot].isWaiting {
                entries[slot].isWaiting = false
                effects.append(.resume(Ticket(slot: slot)))
            }
        }
    }

    /// A statement's rows to its task, or a merged statement's to each of its runs' tasks (none, for the pool,
    /// if the rows cannot be told apart).
    private mutating func deliver(_ result: QueryResult, to sent: Sent) {
        guard sent.mergedDigest != nil else {
            for slot in sent.members where entries[slot].outcome == nil { entries[slot].outcome = .success(result) }
            return
        }
        guard let parts = MergedReads.split(result, runs: sent.members.count) else { return }
        for (slot, part) in zip(sent.members, parts) { entries[slot].outcome = .success(part) }
        effects.append(.countMerged(sent.members.count))
    }

    /// The oldest statement's answer is in: to its tasks at once (reads), or held for the batch's Sync (writes).
    private mutating func answerOldest(failed: Bool) {
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
    private mutating func settleBatch() {
        let batch = answered
        let rolledBack = batchFailed
        answered.removeAll(keepingCapacity: true)
        batchFailed = false
        for sent in batch {
            if rolledBack {
                for slot in sent.members {
                    if case .failure(let error)? = entries[slot].outcome, error.isStalePreparedStatement { forget(sent) }
                    entries[slot].outcome = nil
                }
            }
            finish(sent)
        }
    }

    private mutating func removeOldest() -> Sent {
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

    private mutating func finish(_ sent: Sent) {
        if sent.prepareFailed { forget(sent) }
        finish(sent.members)
    }

    /// Drops a statement's prepared name that the server does not have (its Prepare failed or was aborted).
    private mutating func forget(_ sent: Sent) {
        guard isOpen else { return }
        effects.append(.forgetPrepared(text: sent.text, onlyIfNamed: sent.name))
    }
}
