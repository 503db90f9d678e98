/// How a `PipelineStateMachine` closes batches with a Sync, merges held reads, and passes the reader role on.
extension PipelineStateMachine {
    /// The Sync scheduled for connection `epoch` is due. True when it is to go out now: first the held reads
    /// (`nextHeldSend`), then the Sync (`syncSent`). False while an earlier batch is still out: the statements then
    /// wait for its answers and go with the next Sync (libpq may already have flushed them; PostgreSQL holds their
    /// answers until that Sync). Batches thus grow with the load instead of waking PostgreSQL once per statement,
    /// and a statement waits for one batch at most.
    mutating func syncDue(epoch: Int) -> Bool {
        guard isCurrent(epoch), syncPending, !batchOut else { return false }
        syncPending = false
        planHeldSends()
        return true
    }

    /// The next statement to send before the Sync; nil when none is left (or the connection failed meanwhile).
    mutating func nextHeldSend() -> HeldSend? { heldSends.next() }

    /// `held` is queued in libpq's buffer as `name`.
    mutating func heldSent(_ held: HeldSend, name: String, isNew: Bool, deadline: Instant) {
        inFlight.append(Sent(
            text: held.sql.text, name: name, deadline: deadline, members: held.members,
            mergedDigest: held.mergedDigest, awaitsPrepare: isNew))
    }

    /// `held` could not go (not preparable, or the connection failed): its runs go to the pool.
    mutating func heldNotSent(_ held: HeldSend) {
        finish(held.members)
    }

    /// The Sync is queued: the batch is out. Its writes may commit from now on. The first task waiting on it
    /// reads for everyone, unless a reader is at work already.
    mutating func syncSent() {
        markSynced()
        batchOut = true
        if !hasReader { passReaderRole() }
    }

    /// Queuing the Sync failed. It may have gone out halfway, so the writes may have committed.
    mutating func syncFailed(_ error: DatabaseError) {
        markSynced()
        connectionFailed(error)
    }

    /// The reader's next step, for the task of `ticket`. Once its answer is in, it also reads the batch's Sync
    /// when only that is left: the reads asked for meanwhile wait for it, and no other task would read it. It comes
    /// in the same flush as the batch's last answer.
    mutating func readStep(for ticket: Ticket) -> ReadStep {
        guard isOpen else { return .stop }
        let mineIsIn = entries[ticket.slot].isFinished
        if mineIsIn, !(batchOut && unansweredCount == 0 && answered.isEmpty) { return .stop }
        let oldest = !answered.isEmpty ? answered[0].deadline : unansweredCount > 0 ? inFlight[firstInFlight].deadline : nil
        guard oldest != nil || mineIsIn else {
            // Nothing on the wire that could answer it: libpq lost track.
            connectionFailed(.outOfStep)
            return .stop
        }
        return .read(until: oldest)
    }

    mutating func readerStarted() { hasReader = true }

    /// The reader is done; the task of the oldest statement still waiting reads next.
    mutating func readerStopped() {
        hasReader = false
        passReaderRole()
    }

    /// Wakes the waiting task of the oldest statement on the wire to read; nothing can slip in before it runs
    /// (one thread).
    private mutating func passReaderRole() {
        guard unansweredCount > 0 else { return }
        for slot in inFlight[firstInFlight].members {
            if entries[slot].isWaiting {
                entries[slot].isWaiting = false
                hasReader = true
                effects.append(.resume(Ticket(slot: slot)))
                return
            }
        }
    }

    private mutating func markSynced() {
        guard mode == .commitGroups else { return }
        for sent in inFlight[firstInFlight...] {
            for slot in sent.members { entries[slot].isSynced = true }
        }
    }

    /// The pending reads as statements to send: each statement's runs merged into one when there are several.
    private mutating func planHeldSends() {
        guard !pending.isEmpty else { return }
        // A batch holds a few distinct statements at most: a scan by digest beats hashing each text again.
        var runs: [(digest: UInt64, text: String, slots: [Int])] = []
        for slot in pending {
            entries[slot].isPending = false
            let sql = entries[slot].sql!
            let digest = sql.digest
            if let index = runs.firstIndex(where: { $0.digest == digest && $0.text == sql.text }) {
                runs[index].slots.append(slot)
            } else {
                runs.append((digest, sql.text, [slot]))
            }
        }
        pending.removeAll(keepingCapacity: true)
        for run in runs {
            if run.slots.count > 1, var merged = mergedStatement(for: entries[run.slots[0]].sql!),
               let binds = MergedReads.binds(run.slots.map { entries[$0].sql!.binds }) {
                merged.binds = binds
                heldSends.append(HeldSend(sql: merged, members: Members(run.slots), mergedDigest: run.digest))
            } else {
                for slot in run.slots {
                    heldSends.append(HeldSend(sql: entries[slot].sql!, members: Members(slot), mergedDigest: nil))
                }
            }
        }
    }

    /// The merged form of `sql`'s text, made once per text (its digest with it, for the statement cache).
    private mutating func mergedStatement(for sql: SQL) -> SQL? {
        let key = sql.digest
        if let known = mergedStatements[key], known.original == sql.text { return known.merged }
        guard let text = MergedReads.text(merging: sql) else { return nil }
        let merged = SQL(unsafe: text)
        if mergedStatements.count >= mode.capacity { mergedStatements.removeAll() }
        mergedStatements[key] = (sql.text, merged)
        return merged
    }
}

extension DatabaseError {
    /// libpq's pipeline and the statements on the wire disagree.
    static var outOfStep: DatabaseError { DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step") }
}
