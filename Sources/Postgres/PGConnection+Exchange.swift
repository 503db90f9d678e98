import CLibPQ

extension PGConnection {
    /// Finishes what a `PQsend…` call started: flushes the request, then reads every result until libpq
    /// reports the connection idle again. The first error wins; otherwise the last result is returned
    /// (as `PQexec` does for a multi-statement string). `layout` is the prepared statement's column layout from
    /// an earlier run, reused for the first result when the column count agrees (a prepared statement has one
    /// result; later results of a multi-statement string may have other names); the first result's comes back.
    func exchange(
        sent: Int32, until deadline: ContinuousClock.Instant, layout: inout ColumnLayout?
    ) async throws(DatabaseError) -> QueryResult {
        guard sent == 1 else {
            // A connection given up at a deadline still has its old statement in flight, so libpq refuses the
            // new one ("another command is already in progress"): that is an unavailable connection (503), not
            // a protocol violation (500).
            if isBroken { throw DatabaseError(kind: .connectionUnavailable) }
            throw ResultReader.connectionError(handle)
        }
        try await flush(until: deadline)
        var outcome: Result<QueryResult, DatabaseError>?
        var isFirst = true
        while true {
            while PQisBusy(handle) == 1 {
                try await wait(for: .readable, until: deadline)
                guard PQconsumeInput(handle) == 1 else { throw ResultReader.connectionError(handle) }
            }
            guard let result = PQgetResult(handle) else { break }
            do {
                let first = isFirst
                isFirst = false
                var reusable = first ? layout : nil
                let read = try ResultReader.read(result, connection: handle, layout: &reusable)
                if first { layout = reusable }
                if case .failure = outcome {} else { outcome = .success(read) }
            } catch {
                if case .failure = outcome {} else { outcome = .failure(error) }
            }
        }
        return try (outcome ?? .success(QueryResult(rows: [], affectedRows: 0))).get()
    }

    func exchange(sent: Int32, until deadline: ContinuousClock.Instant) async throws(DatabaseError) -> QueryResult {
        var layout: ColumnLayout?
        return try await exchange(sent: sent, until: deadline, layout: &layout)
    }

    private func flush(until deadline: ContinuousClock.Instant) async throws(DatabaseError) {
        while true {
            switch PQflush(handle) {
            case 0: return
            case 1: try await wait(for: .writable, until: deadline)
            default: throw ResultReader.connectionError(handle)
            }
        }
    }

    private func wait(for interest: IOReactor.Interest, until deadline: ContinuousClock.Instant) async throws(DatabaseError) {
        let socket = PQsocket(handle)
        let (deadline, isCallers) = CallerDeadline.applied(to: deadline)
        let ready: Bool
        if let byWaiter = await socketWaiter?.wait(readable: interest == .readable, on: socket, until: deadline) {
            ready = byWaiter
        } else {
            ready = await reactor.wait(for: interest, on: socket, until: deadline)
        }
        guard ready else {
            isBroken = true
            // The caller's time is up while the server works: stop that work, which rolls back its writes.
            if isCallers {
                cancelOnServer()
                throw CallerDeadline.exceeded
            }
            // Frozen server, dead network, or the pool shutting down: the statement's fate is unknown.
            throw DatabaseError(kind: .timeout, serverMessage: "no answer from the database in time")
        }
    }
}
