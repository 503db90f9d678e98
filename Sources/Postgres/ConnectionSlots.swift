import Locking

/// An idle connection handed between tasks. The pool guarantees one user at a time, which is what libpq needs.
final class ConnectionBox: @unchecked Sendable {
    let connection: PGConnection
    init(_ connection: PGConnection) { self.connection = connection }
}

/// The pool's bookkeeping: idle connections, how many are open, and the callers waiting for one, in order.
/// Nothing here touches the network: opening, checking and closing happen in the caller's task.
final class ConnectionSlots: Sendable {
    /// What a caller gets: an idle connection, or the right to open one more.
    enum Grant: Sendable {
        case connection(ConnectionBox)
        case open
    }

    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State: ~Copyable {
        var idle: [ConnectionBox] = []
        var open = 0
        var waiters: [Waiter] = []
        var stopped = false
        var lastID: UInt64 = 0
    }

    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    /// An idle connection (most recently used first) or a free slot, else waits in line until `deadline`.
    func acquire(deadline: ContinuousClock.Instant) async throws -> Grant {
        let immediate: Result<Grant, any Error>? = state.withLock { state in
            if state.stopped { return .failure(DatabaseError(kind: .connectionUnavailable)) }
            return grant(from: &state).map { .success($0) }
        }
        if let immediate { return try immediate.get() }
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Result<Grant, any Error>? = state.withLock { state in
                    if state.stopped { return .failure(DatabaseError(kind: .connectionUnavailable)) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let grant = grant(from: &state) { return .success(grant) }
                    state.waiters.append(Waiter(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            fail(CancellationError()) { $0.id == id }
        }
    }

    private func grant(from state: inout State) -> Grant? {
        if let box = state.idle.popLast() { return .connection(box) }
        guard state.open < capacity else { return nil }
        state.open += 1
        return .open
    }

    /// Gives a connection back (`nil`: it was closed, so its slot frees). The first waiter gets it.
    func release(_ box: ConnectionBox?) {
        let handOver: (Waiter, Grant)? = state.withLock { state in
            guard !state.stopped else {
                state.open -= 1
                return nil
            }
            if let box {
                guard !state.waiters.isEmpty else {
                    state.idle.append(box)
                    return nil
                }
                return (state.waiters.removeFirst(), .connection(box))
            }
            guard !state.waiters.isEmpty else {
                state.open -= 1
                return nil
            }
            return (state.waiters.removeFirst(), .open)
        }
        handOver.map { $0.0.continuation.resume(returning: $0.1) }
    }

    /// Fails the callers whose acquire deadline has passed.
    func expire(now: ContinuousClock.Instant) {
        fail(DatabaseError(kind: .connectionUnavailable)) { $0.deadline <= now }
    }

    /// Closes the idle connections and fails every waiter; later calls fail at once.
    func stop() {
        let (idle, waiters) = state.withLock { state in
            state.stopped = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        _ = idle  // dropped here, outside the lock: each closes its connection
        for waiter in waiters { waiter.continuation.resume(throwing: DatabaseError(kind: .connectionUnavailable)) }
    }

    private func fail(_ error: any Error, where matches: (Waiter) -> Bool) {
        let failed = state.withLock { state in
            guard state.waiters.contains(where: matches) else { return [Waiter]() }
            let failed = state.waiters.filter(matches)
            state.waiters.removeAll(where: matches)
            return failed
        }
        for waiter in failed { waiter.continuation.resume(throwing: error) }
    }
}
