import Synchronization

/// Set from the awaiting task when it is cancelled; read by the blocking worker between waits.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// When a blocking step must give up, and whether it has been cancelled.
struct Deadline {
    let instant: ContinuousClock.Instant
    let cancellation: CancellationFlag

    init(after duration: Duration, cancellation: CancellationFlag) {
        instant = .now + duration
        self.cancellation = cancellation
    }

    private init(instant: ContinuousClock.Instant, cancellation: CancellationFlag) {
        self.instant = instant
        self.cancellation = cancellation
    }

    /// The earlier of this deadline and `duration` from now, sharing the cancellation.
    func capped(by duration: Duration) -> Deadline {
        Deadline(instant: min(instant, .now + duration), cancellation: cancellation)
    }

    /// Milliseconds for the next `poll`: at most 100 so that cancellation is noticed promptly.
    /// Throws when the deadline has passed or the request was cancelled.
    func nextWaitMilliseconds() throws(HTTPClientError) -> Int32 {
        if cancellation.isCancelled { throw .cancelled }
        let remaining = instant - .now
        guard remaining > .zero else { throw .timedOut }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(min(milliseconds, 100))
    }
}
