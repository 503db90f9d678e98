import Glibc
import Locking

/// One thread that runs each armed action at its time unless it is disarmed first: the backstop that answers a
/// caller whose worker is stuck where it cannot watch its own deadline (getaddrinfo). One thread serves every
/// call: nearly every alarm is disarmed long before it is due, so a task sleeping per call would be wasted work.
final class Watchdog: @unchecked Sendable {
    typealias Action = @Sendable () -> Void
    typealias Alarm = UInt64

    static let shared = Watchdog()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var armed: [Alarm: (due: ContinuousClock.Instant, action: Action)] = [:]
    private var nextAlarm: Alarm = 0
    /// When the thread next wakes by itself; an alarm due sooner wakes it early.
    private var wakeAt = ContinuousClock.Instant.now
    private var running = false

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Runs `action` on the watchdog's thread after `delay`, unless `disarm` comes first.
    func arm(after delay: Duration, _ action: @escaping Action) -> Alarm {
        let due = ContinuousClock.now + delay
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let alarm = nextAlarm
        nextAlarm += 1
        armed[alarm] = (due, action)
        if !running {
            running = DetachedThread.start { [self] in run() } == 0
            precondition(running, "the outbound watchdog thread could not start")
        } else if due < wakeAt {
            pthread_cond_signal(condition)
        }
        return alarm
    }

    /// The alarm's action will not run (unless it already has).
    func disarm(_ alarm: Alarm) {
        pthread_mutex_lock(mutex)
        armed[alarm] = nil
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while true {
            let now = ContinuousClock.now
            let due = armed.filter { $0.value.due <= now }
            if !due.isEmpty {
                for alarm in due.keys { armed[alarm] = nil }
                pthread_mutex_unlock(mutex)
                for (_, entry) in due { entry.action() }
                pthread_mutex_lock(mutex)
                continue
            }
            wakeAt = armed.values.map(\.due).min() ?? now + .seconds(60)
            var until = timespec.realtime(after: now.duration(to: wakeAt))
            _ = pthread_cond_timedwait(condition, mutex, &until)
        }
    }
}
