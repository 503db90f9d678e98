import Glibc
import Locking

/// Runs blocking work (getaddrinfo, poll, OpenSSL) on a thread of its own, so it never occupies a thread of
/// Swift's cooperative pool. One short-lived thread per request suits the rare outbound calls this serves.
/// The caller is answered by whichever comes first: the work, its cancellation, or a watchdog at `timeLimit`
/// (a backstop for getaddrinfo, the one step that cannot watch the deadline itself).
enum BlockingThread {
    static func run<T: Sendable>(
        timeLimit: Duration, budget: ThreadBudget = ThreadBudget(limit: 1),
        _ work: @escaping @Sendable (CancellationFlag) -> Result<T, HTTPClientError>
    ) async -> Result<T, HTTPClientError> {
        // The slot is held until the thread ends, not until the caller is answered: a thread stuck in
        // getaddrinfo past the watchdog still counts.
        guard budget.acquire() else { return .failure(.tooManyRequestsInFlight) }
        let cancellation = CancellationFlag()
        let outcome = OneShot<Result<T, HTTPClientError>>()
        let watchdog = Task {
            guard (try? await Task.sleep(for: timeLimit)) != nil else { return }
            cancellation.cancel()
            outcome.resume(.failure(.timedOut))
        }
        defer { watchdog.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                outcome.install(continuation)
                let started = DetachedThread.start {
                    outcome.resume(work(cancellation))
                    budget.release()
                }
                if started != 0 {
                    budget.release()
                    outcome.resume(.failure(.connectionFailed))
                }
            }
        } onCancel: {
            cancellation.cancel()
            outcome.resume(.failure(.cancelled))
        }
    }

    /// A continuation resumed exactly once, by the first of several racing parties, even one that comes before
    /// the continuation exists.
    private final class OneShot<Value: Sendable>: Sendable {
        private enum State { case empty, waiting(CheckedContinuation<Value, Never>), answered(Value), finished }
        private let state = Locked<State>(.empty)

        func install(_ continuation: CheckedContinuation<Value, Never>) {
            let early: Value? = state.withLock { state in
                guard case .answered(let value) = state else {
                    state = .waiting(continuation)
                    return nil
                }
                state = .finished
                return value
            }
            if let early { continuation.resume(returning: early) }
        }

        func resume(_ value: Value) {
            let waiting: CheckedContinuation<Value, Never>? = state.withLock { state in
                switch state {
                case .empty:
                    state = .answered(value)
                    return nil
                case .waiting(let continuation):
                    state = .finished
                    return continuation
                case .answered, .finished:
                    return nil
                }
            }
            waiting?.resume(returning: value)
        }
    }
}

/// How many blocking threads may run at once; shared by a client and its copies.
final class ThreadBudget: Sendable {
    private let running = Locked(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func acquire() -> Bool {
        running.withLock { running in
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    func release() { running.withLock { $0 -= 1 } }
}
