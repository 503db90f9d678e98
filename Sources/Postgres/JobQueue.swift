import Foundation
import Synchronization

/// The pool's shared state: pending jobs and a stop flag, guarded by one condition that workers sleep on.
/// A separate watcher thread fails jobs whose acquire deadline passes while every worker is busy, so no
/// caller waits longer than `acquireTimeout` for a connection.
final class JobQueue: @unchecked Sendable {
    // All mutable state below is guarded by `workAvailable` (its lock).
    private let workAvailable = NSCondition()
    private var jobs = JobFIFO()
    private var stopped = false
    private var watcherWakesAt: ContinuousClock.Instant?
    /// Workers asleep in `next()`: a job that one of them will take at once needs no deadline watch.
    private var idleWorkers = 0
    private let watcherWake = NSCondition()
    private let lastID = Atomic<UInt64>(0)

    func makeJobID() -> UInt64 { lastID.add(1, ordering: .relaxed).newValue }

    /// Adds a job, or fails it at once when the pool is shut down.
    func enqueue(_ job: PoolJob) {
        workAvailable.lock()
        if stopped {
            workAvailable.unlock()
            job.fail(DatabaseError(kind: .connectionUnavailable))
            return
        }
        // Waking the watcher for every job cost a context switch per query; only a job that has to queue
        // behind busy workers can outlive its deadline while waiting.
        let waitsForWorker = idleWorkers <= jobs.count
        jobs.push(job)
        let wakeWatcher = waitsForWorker && (watcherWakesAt.map { job.deadline < $0 } ?? true)
        if wakeWatcher { watcherWakesAt = job.deadline }
        workAvailable.unlock()
        // Signalled after unlocking, so the woken worker does not immediately block on the lock we hold.
        workAvailable.signal()
        if wakeWatcher {
            watcherWake.lock()
            watcherWake.signal()
            watcherWake.unlock()
        }
    }

    /// Blocks a worker until a job is available; nil once the pool is stopped.
    func next() -> PoolJob? {
        workAvailable.lock()
        defer { workAvailable.unlock() }
        while true {
            if stopped { return nil }
            if let job = jobs.pop() { return job }
            idleWorkers += 1
            workAvailable.wait()
            idleWorkers -= 1
        }
    }

    /// The watcher thread's loop: fail jobs whose deadline passed, sleep until the next deadline.
    func watchDeadlines() {
        watcherWake.lock()
        defer { watcherWake.unlock() }
        while true {
            workAvailable.lock()
            if stopped {
                workAvailable.unlock()
                return
            }
            let (expired, next) = jobs.removeExpired(now: .now)
            watcherWakesAt = next
            workAvailable.unlock()
            for job in expired { job.fail(DatabaseError(kind: .connectionUnavailable)) }
            if let next {
                let seconds = Double((next - .now).roundedUpMilliseconds) / 1000
                _ = watcherWake.wait(until: Date(timeIntervalSinceNow: max(seconds, 0)))
            } else {
                watcherWake.wait()
            }
        }
    }

    /// Fails a job with `CancellationError` if it has not reached a worker yet; otherwise it runs to completion.
    func cancel(id: UInt64) {
        workAvailable.lock()
        let job = jobs.remove(id: id)
        workAvailable.unlock()
        job?.fail(CancellationError())
    }

    /// Stops workers and the watcher; pending jobs fail with `.connectionUnavailable`.
    func stop() {
        workAvailable.lock()
        stopped = true
        let pending = jobs.removeAll()
        workAvailable.broadcast()
        workAvailable.unlock()
        watcherWake.lock()
        watcherWake.signal()
        watcherWake.unlock()
        for job in pending { job.fail(DatabaseError(kind: .connectionUnavailable)) }
    }
}
