import Foundation
import Postgres
import Locking
import Testing

/// `DatabasePool.listen`: notifications arrive, and a killed listening connection is reported and replaced.
@Suite(.enabled(if: hasDatabase, "needs DATABASE_URL"))
struct NotificationListenerTests {
    /// The events a listener reported, for polling from the test.
    final class Events: Sendable {
        private let storage = Locked<[ListenEvent]>([])
        func append(_ event: ListenEvent) { storage.withLock { $0.append(event) } }
        var all: [ListenEvent] { storage.withLock { $0 } }

        /// Waits up to `seconds` until `predicate` holds for what was reported.
        func wait(seconds: Double = 10, until predicate: ([ListenEvent]) -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while !predicate(all) {
                guard ContinuousClock.now < deadline else { return false }
                try await Task.sleep(for: .milliseconds(5))
            }
            return true
        }
    }

    @Test func deliversNotificationsAndListensAgainAfterItsConnectionIsKilled() async throws {
        let channel = uniqueName("ch")
        try await withTestPool { pool in
            let events = Events()
            let listener = Task { await pool.listen(to: channel, retryDelay: .milliseconds(50)) { events.append($0) } }
            defer { listener.cancel() }
            #expect(try await events.wait { $0 == [.listening] })
            try await pool.withConnection { _ = try await $0.query("SELECT pg_notify(\(channel), 'first') AS n") }
            #expect(try await events.wait { $0.last == .notified(payload: "first") })

            // Kill the listening backend: the listener reports the loss, then listens again.
            try await pool.withConnection { connection in
                _ = try await connection.query("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE pid <> pg_backend_pid() AND query = \("LISTEN " + channel)
                    """)
            }
            #expect(try await events.wait { $0.suffix(2) == [.lost, .listening] })
            try await pool.withConnection { _ = try await $0.query("SELECT pg_notify(\(channel), 'second') AS n") }
            #expect(try await events.wait { $0.last == .notified(payload: "second") })
        }
    }

    /// How a listener can be ended from outside.
    enum Ending: CaseIterable { case cancelled, poolStopped }

    @Test(arguments: Ending.allCases)
    func endsWhenCancelledOrWhenThePoolStops(_ ending: Ending) async throws {
        let channel = uniqueName("ch")
        try await withTestPool { pool in
            let events = Events()
            let listener = Task { await pool.listen(to: channel) { events.append($0) } }
            let listening = try await events.wait { $0 == [.listening] }
            #expect(listening)
            switch ending {
            case .cancelled: listener.cancel()
            case .poolStopped: pool.shutdown()
            }
            await listener.value
            #expect(events.all == [.listening, .lost])
        }
    }
}
