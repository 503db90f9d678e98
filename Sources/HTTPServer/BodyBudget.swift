import Synchronization

/// The process-wide ceiling on bytes of request bodies held in memory, shared by every event loop. A body is
/// reserved whole before its first byte is buffered (its Content-Length, or its route's limit when chunked) and
/// released when its request is answered or its connection dies, so the sum of buffered bodies never exceeds
/// `ceiling`, whatever clients announce or send. One relaxed atomic add per request with a body; no lock.
///
/// Large bodies may not take the last eighth of the ceiling: clients stalling in the middle of large bodies (the
/// cheapest way to hold server memory) cannot starve the small bodies of ordinary requests, which may use it all.
///
/// A streaming route (a proxy forwarding bytes as they arrive) holds no body and reserves nothing here.
public final class BodyBudget: Sendable {
    /// A body this size or smaller may use the whole ceiling; most routes take no more.
    public static let smallBodyBytes = 16 * 1024

    /// Bytes of bodies that may be held at once.
    public let ceiling: Int
    /// The most that bodies larger than `smallBodyBytes` may hold together: all but an eighth of the ceiling.
    public let largeBodyCeiling: Int
    private let held = Atomic<Int>(0)
    private let refusals = Atomic<Int>(0)

    public init(ceiling: Int) {
        precondition(ceiling >= 0, "a body budget cannot be negative")
        self.ceiling = ceiling
        self.largeBodyCeiling = ceiling - ceiling / 8
    }

    /// Bytes reserved now, for /metrics.
    public var heldBytes: Int { held.load(ordering: .relaxed) }
    /// Requests answered 503 because no room came in time, for /metrics.
    public var refusedRequests: Int { refusals.load(ordering: .relaxed) }

    /// Takes `bytes` if they fit under the ceiling (`largeBodyCeiling` for a large body); false leaves the
    /// budget untouched. Zero always fits.
    public func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        let ceiling = bytes <= Self.smallBodyBytes ? ceiling : largeBodyCeiling
        // Add first and undo on overshoot: one atomic in the common case, where a compare-exchange loop would
        // retry under contention. A racing reserve may see the transient sum and wait, which only errs safe.
        let total = held.add(bytes, ordering: .relaxed).newValue
        if total <= ceiling { return true }
        held.subtract(bytes, ordering: .relaxed)
        return false
    }

    /// Returns bytes taken by `reserve`.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let remaining = held.subtract(bytes, ordering: .relaxed).newValue
        assert(remaining >= 0, "released more body bytes than were reserved")
    }

    /// Counts a request refused because no room came in time.
    public func noteRefusal() { refusals.add(1, ordering: .relaxed) }
}
