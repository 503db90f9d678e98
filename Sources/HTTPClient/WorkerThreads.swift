import Glibc
import Locking

/// OS threads for blocking outbound work, kept for reuse: a job goes to a thread waiting idle, or to a new one
/// when none is, so no job ever waits for a thread (how many run at once is `ThreadBudget`'s to bound). Starting
/// a thread per call costs tens of microseconds and a fresh stack each time; a thread left idle for
/// `idleLifetime` ends.
final class WorkerThreads: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    /// Shared by every client: threads are a process resource.
    static let shared = WorkerThreads(idleLifetime: .seconds(10))

    let idleLifetime: Duration
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`. `idle` counts waiting threads not yet promised a queued job, so each job queued has
    // one waiting thread of its own.
    private var jobs: [Job] = []
    private var idle = 0

    init(idleLifetime: Duration) {
        self.idleLifetime = idleLifetime
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// How many threads are waiting for work (for tests).
    var idleThreads: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return idle
    }

    /// Runs `job` on an idle thread or a new one; 0, or pthread_create's error when a new thread was needed and
    /// could not start (the job then never runs).
    func start(_ job: @escaping Job) -> Int32 {
        pthread_mutex_lock(mutex)
        if idle > 0 {
            idle -= 1
            jobs.append(job)
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
            return 0
        }
        pthread_mutex_unlock(mutex)
        return DetachedThread.start { [self] in
            job()
            while let next = waitForJob() { next() }
        }
    }

    /// The next job, or nil once the thread has waited `idleLifetime` for one (the thread then ends).
    private func waitForJob() -> Job? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        idle += 1
        var until = timespec.realtime(after: idleLifetime)
        while jobs.isEmpty {
            if pthread_cond_timedwait(condition, mutex, &until) == ETIMEDOUT, jobs.isEmpty {
                idle -= 1
                return nil
            }
        }
        return jobs.removeFirst()
    }
}
