import CLibPQ
import Locking
import Synchronization

extension PGConnection {
    /// At most this many cancel requests are in flight at once. A cancel that cannot go is skipped: its
    /// connection is dropped anyway, and `statement_timeout` still ends the statement on the server.
    static let cancelsInFlightLimit = 8
    private static let cancelsInFlight = Atomic<Int>(0)

    /// Asks the server to cancel the statement in flight, on a thread of its own: libpq 15's `PQcancel` opens a
    /// connection and waits for the server to close it, which must not hold the caller's thread (an event loop).
    /// A cancelled statement aborts its transaction, so nothing it or the transaction wrote is kept. Returns
    /// without waiting for the server.
    func cancelOnServer() {
        let admitted = Self.cancelsInFlight.add(1, ordering: .relaxed).newValue
        guard admitted <= Self.cancelsInFlightLimit, let cancel = PQgetCancel(handle) else {
            Self.cancelsInFlight.subtract(1, ordering: .relaxed)
            return
        }
        let request = CancelRequest(cancel)
        if DetachedThread.start({ request.send() }) != 0 {
            PQfreeCancel(cancel)
            Self.cancelsInFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// A `PGcancel` owned by the thread that sends it. libpq documents `PQcancel` as safe from any thread.
    private final class CancelRequest: @unchecked Sendable {
        let cancel: OpaquePointer

        init(_ cancel: OpaquePointer) { self.cancel = cancel }

        func send() {
            var message = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &message, Int32(message.count))
            PQfreeCancel(cancel)
            PGConnection.cancelsInFlight.subtract(1, ordering: .relaxed)
        }
    }
}
