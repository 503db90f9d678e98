import Glibc
import Locking

/// Runs blocking work (getaddrinfo, poll, OpenSSL) on a worker thread (`WorkerThreads`), so it never occupies a
/// thread of Swift's cooperative pool.
/// The caller is answered by whichever comes first: the work, its cancellation, or a watchdog at `timeLimit`
/// (a backstop for getaddrinfo, the one step that cannot watch the deadline itself).
enum BlockingThread {
    static func run<T: Sendable>(
        timeLimit: Duration, budget: ThreadBudget = ThreadBudget(limit: 1), tenant: String? = nil,
        _ work: @escaping @Sendable (CancellationFlag) -> Result<T, HTTPClientError>
    ) async -> Result<T, HTTPClientError> {
        // The slot is held until the thread ends, not until the caller is answered: a thread stuck in
        // getaddrinfo past the watchdog still counts.
        if let refusal = budget.acquire(tenant: tenant) { return .failure(refusal) }
        let cancellation = CancellationFlag()
        let outcome = OneShot<Result<T, HTTPClientError>>()
        let alarm = Watchdog.shared.arm(after: timeLimit) {
            cancellation.cancel()
            outcome.resume(.failure(.timedOut))
        }
        defer { Watchdog.shared.disarm(alarm) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                outcome.install(continuation)
                let started = WorkerThreads.shared.start {
                    outcome.resume(work(cancellation))
                    budget.release(tenant: tenant)
                }
                if started != 0 {
                    budget.release(tenant: tenant)
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

/// How many blocking threads may run at once, in all and per tenant; shared by a client and its copies.
final class ThreadBudget: Sendable {
    private struct Counts {
        var running = 0
        var perTenant: [String: Int] = [:]
    }

    private let counts = Locked(Counts())
    let limit: Int
    let perTenantLimit: Int

    init(limit: Int, perTenantLimit: Int = .max) {
        self.limit = limit
        self.perTenantLimit = perTenantLimit
    }

    /// Takes a slot, or says which limit is reached.
    func acquire(tenant: String?) -> HTTPClientError? {
        counts.withLock { counts in
            guard counts.running < limit else { return .tooManyRequestsInFlight }
            if let tenant {
                guard counts.perTenant[tenant, default: 0] < perTenantLimit else { return .tenantConcurrencyLimit }
                counts.perTenant[tenant, default: 0] += 1
            }
            counts.running += 1
            return nil
        }
    }

    func release(tenant: String?) {
        counts.withLock { counts in
            counts.running -= 1
            guard let tenant, let held = counts.perTenant[tenant] else { return }
            counts.perTenant[tenant] = held > 1 ? held - 1 : nil  // no entry outlives its last request
        }
    }
}
