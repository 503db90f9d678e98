import CLinuxEvents
import Glibc

/// Lets code running in a request task wait for readiness of a socket of its own (a database connection) on
/// the event loop the task runs on: the wait and the wake-up happen on the loop's thread, inside its
/// `epoll_wait`, so a database round trip costs no thread hop and no cross-thread wakeup.
public enum EventLoopSocketWatch {
    /// Whether the calling thread is an event loop's.
    public static var isOnEventLoop: Bool { pthread_getspecific(currentLoopKey) != nil }

    /// The serial number of the loop running the calling thread (never reused in a process); nil elsewhere.
    public static var currentLoopID: UInt64? {
        guard let pointer = pthread_getspecific(currentLoopKey) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue().serial
    }

    /// Runs `body` on this thread once the loop has run every task step that is ready, just before it next
    /// waits for events: work queued by several tasks in one turn (pipelined statements) goes out together.
    /// False, and `body` is dropped, when the calling thread is not an event loop.
    public static func beforeNextWait(_ body: @escaping () -> Void) -> Bool {
        guard let pointer = pthread_getspecific(currentLoopKey) else { return false }
        Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue().beforeNextWait.append(body)
        return true
    }

    /// Suspends until `fd` is readable (or writable); false when `deadline` passes first or the loop stops;
    /// nil, at once, when the calling thread is not an event loop (CLI commands, tests, other threads).
    /// One waiter per descriptor at a time.
    public static func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool? {
        guard isOnEventLoop else { return nil }
        // Unchecked: a checked continuation allocates a canary per wait, and this wait is in every database round
        // trip and every proxied exchange. Exactly one resume is kept by the loop, which removes the watcher from
        // `socketWatchers` before resuming it (ready, expired, or refused at once in `watch`).
        return await withUnsafeContinuation { continuation in
            // Runs on the calling thread before the task suspends, so it is still the loop's thread.
            guard let pointer = pthread_getspecific(currentLoopKey) else { return continuation.resume(returning: true) }
            Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue().watch(
                fd, readable: readable, deadline: deadline, resume: SocketWatcher(continuation: continuation))
        }
    }
}

/// The loop-confined record of one waiting socket.
struct SocketWatcher: @unchecked Sendable {
    let continuation: UnsafeContinuation<Bool, Never>
}

/// Key of the thread-specific pointer to the loop running on a thread.
let currentLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

extension EventLoop {
    static let socketWatchBase: UInt64 = 1 << 62

    /// Arms a one-shot epoll registration for `fd` under an id apart from the client connections' ids.
    func watch(_ fd: Int32, readable: Bool, deadline: ContinuousClock.Instant, resume: SocketWatcher) {
        var event = epoll_event()
        event.events = (readable ? EPOLLIN.rawValue : EPOLLOUT.rawValue) | EPOLLONESHOT.rawValue
        event.data.u64 = Self.socketWatchBase | UInt64(UInt32(bitPattern: fd))
        guard shutdownComplete == false,
              epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 || epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0
        else {
            // Not pollable (closed under us) or the loop is gone: let the caller's next libpq call find out.
            return resume.continuation.resume(returning: shutdownComplete == false)
        }
        socketWatchers[fd] = (resume, deadline)
        noteDeadline(deadline)
    }

    func socketReady(id: UInt64) {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: id & ~Self.socketWatchBase))
        socketWatchers.removeValue(forKey: fd)?.0.continuation.resume(returning: true)
    }

    /// Fails the socket waits whose deadline has passed (from `runTimers`) or all of them (at loop exit).
    func expireSocketWatchers(all: Bool = false) {
        for (fd, (watcher, deadline)) in socketWatchers where all || deadline <= now {
            socketWatchers[fd] = nil
            watcher.continuation.resume(returning: false)
        }
        if !all { socketWatchers.values.forEach { noteDeadline($0.1) } }
    }
}
