/// One caller's request for a connection. Exactly one of `run` or `fail` is called, by whoever removed the
/// job from the queue (a worker, the deadline watcher, or shutdown), so the continuation resumes exactly once.
struct PoolJob: Sendable {
    /// Identifies the job for cancellation while it waits.
    let id: UInt64
    let deadline: ContinuousClock.Instant
    let run: @Sendable (PGConnection) -> Void
    let fail: @Sendable (any Error) -> Void
}

/// A FIFO of jobs with O(1) amortised push and pop.
struct JobFIFO {
    private var storage: [PoolJob] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }

    mutating func push(_ job: PoolJob) { storage.append(job) }

    mutating func pop() -> PoolJob? {
        guard head < storage.count else { return nil }
        let job = storage[head]
        head += 1
        if head > 64, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Removes and returns the jobs whose deadline has passed; also the earliest deadline still waiting.
    mutating func removeExpired(now: ContinuousClock.Instant) -> (expired: [PoolJob], next: ContinuousClock.Instant?) {
        var expired: [PoolJob] = []
        var kept: [PoolJob] = []
        var next: ContinuousClock.Instant?
        for job in storage[head...] {
            if job.deadline <= now {
                expired.append(job)
            } else {
                kept.append(job)
                next = next.map { min($0, job.deadline) } ?? job.deadline
            }
        }
        if !expired.isEmpty {
            storage = kept
            head = 0
        }
        return (expired, next)
    }

    /// Removes the job with this id if it is still waiting.
    mutating func remove(id: UInt64) -> PoolJob? {
        guard let index = storage[head...].firstIndex(where: { $0.id == id }) else { return nil }
        return storage.remove(at: index)
    }

    mutating func removeAll() -> [PoolJob] {
        defer { storage = []; head = 0 }
        return Array(storage[head...])
    }
}
