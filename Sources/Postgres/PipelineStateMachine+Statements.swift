/// The connection, and a task's statement from being asked for until its outcome is taken.
extension PipelineStateMachine {
    /// A task found no connection: true when it is to open one now; false while another task opens one, or within
    /// `reconnectPause` of a failed connect (statements use the pool meanwhile).
    mutating func connectionWanted(now: Instant) -> Bool {
        guard !isOpen, !isOpening else { return false }
        if let closedUntil, now < closedUntil { return false }
        isOpening = true
        return true
    }

    /// The connection opened and is in pipeline mode; it is `epoch` from now on.
    mutating func connectionOpened() {
        isOpening = false
        epoch += 1
        isOpen = true
    }

    mutating func connectionNotOpened(now: Instant) {
        isOpening = false
        closedUntil = now + Self.reconnectPause
    }

    /// The pool stopped and nothing is in flight: the connection goes, without failing anything.
    mutating func connectionReleased() {
        guard isOpen, unfinished == 0 else { return }
        isOpen = false
        effects.append(.dropConnection)
    }

    /// A task asks for `sql`, with room for it and a connection open.
    mutating func statementAsked(_ sql: SQL) -> Admission {
        guard mode == .reads, MergedReads.mayMerge(sql), !unmergeable.contains(sql.digest) else { return .sendNow }
        let slot = newEntry(sql, isPending: true)
        pending.append(slot)
        scheduleSync()
        return .held(Ticket(slot: slot))
    }

    /// `sql` is queued in libpq's buffer as `name` (prepared first when `isNew`), for one task.
    mutating func statementSent(_ sql: SQL, name: String, isNew: Bool, deadline: Instant) -> Ticket {
        let slot = newEntry(sql, isPending: false)
        inFlight.append(Sent(
            text: sql.text, name: name, deadline: deadline, members: Members(slot), mergedDigest: nil,
            awaitsPrepare: isNew))
        scheduleSync()
        return Ticket(slot: slot)
    }

    /// Whether the task is to wait before it looks again: its read is not sent yet, or another task reads.
    func mustWait(_ ticket: Ticket) -> Bool {
        !entries[ticket.slot].isFinished && (entries[ticket.slot].isPending || hasReader)
    }

    /// The task of `ticket` waits until an `Effect.resume` of it.
    mutating func waiting(_ ticket: Ticket) {
        entries[ticket.slot].isWaiting = true
    }

    /// The finished statement's outcome, and its ticket given back: nil when it is to run on the pool instead.
    /// A write's failure is one it may have outlived (`connectionFailed`); a rolled-back batch answers nil instead.
    /// A read's failure of the connection or the protocol sends it to the pool too, as does a stale prepared
    /// statement (forgotten here, unless the connection changed meanwhile, so that the pool's run prepares afresh).
    mutating func takeOutcome(_ ticket: Ticket) -> Result<QueryResult, DatabaseError>? {
        var entry = Entry(sql: nil, epoch: 0)
        swap(&entry, &entries[ticket.slot])
        freeSlots.append(ticket.slot)
        guard let outcome = entry.outcome, case .failure(let error) = outcome, mode == .reads else { return entry.outcome }
        switch error.kind {
        case .connectionUnavailable, .protocolViolation: return nil
        case .query where error.isStalePreparedStatement:
            if let text = entry.sql?.text, isCurrent(entry.epoch) {
                effects.append(.forgetPrepared(text: text, onlyIfNamed: nil))
            }
            return nil
        case .query, .timeout, .deadlineExceeded: return outcome
        }
    }

    private mutating func newEntry(_ sql: SQL, isPending: Bool) -> Int {
        unfinished += 1
        let entry = Entry(sql: sql, epoch: epoch, isPending: isPending)
        if let slot = freeSlots.popLast() {
            entries[slot] = entry
            return slot
        }
        entries.append(entry)
        return entries.count - 1
    }

    /// One Sync after the statements this turn's tasks sent, just before the loop waits.
    private mutating func scheduleSync() {
        guard !syncPending else { return }
        syncPending = true
        effects.append(.scheduleSync)
    }
}
