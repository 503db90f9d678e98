import CLibPQ

/// What a `listen` call reports.
public enum ListenEvent: Sendable, Equatable {
    /// `LISTEN` is in effect: every notification committed from now on will be delivered.
    case listening
    /// One notification on the channel, with its payload.
    case notified(payload: String)
    /// The listening connection failed (or the pool stopped): notifications may have been missed until the
    /// next `.listening`.
    case lost
}

extension DatabasePool {
    /// Holds a connection of its own (outside the pool's slots, to `configuration.listening`: PostgreSQL itself
    /// when a transaction pooler stands before it) that LISTENs on `channel`, and reports to
    /// `onEvent` until the calling task is cancelled or the pool shuts down. A failed connection is reported as
    /// `.lost` and opened again after `retryDelay`; a silent one is probed with `SELECT 1` every `probeInterval`,
    /// so a dead server or network is noticed within that plus the client deadline.
    public func listen(
        to channel: String, retryDelay: Duration = .seconds(1), probeInterval: Duration = .seconds(15),
        _ onEvent: @escaping @Sendable (ListenEvent) -> Void
    ) async {
        precondition(
            channel.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) },
            "channel names are lower-case identifiers written in code")
        while !Task.isCancelled && !reactor.isStopped {
            do {
                let connection = try await PGConnection.open(
                    configuration: configuration.listening, reactor: reactor, socketWaiter: nil)
                try await connection.execute(unsafeSQL: "LISTEN \(channel)")
                onEvent(.listening)
                try await connection.deliverNotifications(probeInterval: probeInterval, onEvent)
            } catch {
                // Reported as .lost below; the reason is the database's, and the pool's callers see it too.
            }
            onEvent(.lost)
            guard !Task.isCancelled && !reactor.isStopped else { return }
            try? await Task.sleep(for: retryDelay)
        }
    }
}

extension PGConnection {
    /// Waits for notifications and hands each to `onEvent`; returns when the task is cancelled, throws when the
    /// connection fails.
    fileprivate func deliverNotifications(
        probeInterval: Duration, _ onEvent: @Sendable (ListenEvent) -> Void
    ) async throws(DatabaseError) {
        var lastHeard = ContinuousClock.now
        while !Task.isCancelled {
            // Short waits, so cancellation and a stopped pool are seen within a second.
            let ready = await reactor.wait(for: .readable, on: PQsocket(handle), until: .now + .seconds(1))
            if reactor.isStopped { throw DatabaseError(kind: .connectionUnavailable) }
            if ready {
                guard PQconsumeInput(handle) == 1 else { throw ResultReader.connectionError(handle) }
                lastHeard = .now
            } else if ContinuousClock.now - lastHeard >= probeInterval {
                _ = try await query("SELECT 1 AS one")
                lastHeard = .now
            }
            while let notification = PQnotifies(handle) {
                let payload = String(cString: notification.pointee.extra)
                PQfreemem(notification)
                onEvent(.notified(payload: payload))
            }
            guard isHealthy else { throw ResultReader.connectionError(handle) }
        }
    }
}
