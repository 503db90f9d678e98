import CLibPQ

/// How a `StatementPipeline` keeps its connection and reads from it: one task at a time (the reader) waits on
/// the socket for everyone.
extension StatementPipeline {
    /// The open connection; opened here first (by the task that finds none), checked for a server that hung
    /// up while it sat idle, nil while it opens for another task or after a failed connect.
    func usableConnection() async -> PGConnection? {
        if isStopped() {
            if unfinished == 0 { connection = nil }
            return nil
        }
        if let connection {
            if connection.isHealthy && (unfinished > 0 || !connection.looksDeadWhileIdle()) { return connection }
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

    /// Reads answers for every statement in flight until `mine`'s is in, then passes the reader role on. When
    /// only the batch's Sync is left by then, it reads that too: the reads asked for meanwhile wait for it to go
    /// out, and no other task would read it. It comes in the same flush as the batch's last answer.
    func read(until mine: Entry) async {
        hasReader = true
        while let connection {
            if mine.isFinished, !(batchOut && unansweredCount == 0 && answered.isEmpty) { break }
            let handle = connection.handle
            let oldest = answered.first ?? (unansweredCount > 0 ? inFlight[firstInFlight] : nil)
            guard oldest != nil || mine.isFinished else {
                // Nothing on the wire that could answer it: libpq lost track.
                fail(DatabaseError(kind: .protocolViolation, serverMessage: "pipeline out of step"))
                break
            }
            if PQisBusy(handle) == 1 {
                await waitForInput(connection, until: oldest?.deadline ?? .now + connection.clientDeadline)
            } else {
                take(PQgetResult(handle), from: connection)
            }
        }
        hasReader = false
        if let next = nextWaiter() {
            // The next task becomes the reader as soon as it runs; nothing can slip in between (one thread).
            hasReader = true
            next.resume()
        }
    }

    /// The waiting task of the oldest statement on the wire, taken from it.
    func nextWaiter() -> CheckedContinuation<Void, Never>? {
        guard unansweredCount > 0 else { return nil }
        for member in inFlight[firstInFlight].members {
            if let waiter = member.waiter {
                member.waiter = nil
                return waiter
            }
        }
        return nil
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
}
