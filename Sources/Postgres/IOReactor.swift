import Foundation
import Locking
import CLinuxEvents

#if canImport(Glibc)
import Glibc
#endif

/// One epoll thread per pool that tells waiting tasks when a connection's socket is ready. Queries are sent and
/// results read by the task itself, on whatever executor it runs on (an HTTP event loop, for request tasks), so a
/// statement costs no thread hop: the task suspends, this thread wakes it when PostgreSQL has answered, and under
/// load one `epoll_wait` here serves many connections at once, as pgbench's threads do.
///
/// Deadlines are checked on a tick (`tickMilliseconds` while anything waits, one second otherwise), so a wait may
/// outlive its deadline by up to a second when it begins while the thread sleeps idle.
final class IOReactor: @unchecked Sendable {
    enum Interest { case readable, writable }

    private struct Waiter {
        let continuation: CheckedContinuation<Bool, Never>
        let deadline: ContinuousClock.Instant
    }

    private struct State: ~Copyable {
        var waiters: [Int32: Waiter] = [:]
        var stopped = false
    }

    static let tickMilliseconds: Int32 = 50
    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Locked(State())
    /// Called on every tick with the time, for deadlines kept elsewhere (the pool's waiting callers).
    private let onTick: @Sendable (ContinuousClock.Instant) -> Void

    init(name: String, onTick: @escaping @Sendable (ContinuousClock.Instant) -> Void) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        self.onTick = onTick
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll/eventfd unavailable")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = -1
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Suspends until `fd` is ready for `interest`; false when `deadline` passed first or the reactor stopped.
    /// One waiter per descriptor at a time (a connection is used by one task at a time).
    func wait(for interest: Interest, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.waiters[fd] = Waiter(continuation: continuation, deadline: deadline)
                return true
            }
            guard accepted else { return continuation.resume(returning: false) }
            // Armed after the waiter is stored, so a ready socket reported at once always finds it.
            var event = epoll_event()
            event.events = (interest == .readable ? EPOLLIN.rawValue : EPOLLOUT.rawValue) | EPOLLONESHOT.rawValue
            event.data.fd = fd
            if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) != 0 && epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) != 0 {
                // Not a pollable socket any more: report it ready, so libpq's next call sees the failure.
                resume(fd: fd, ready: true)
            }
        }
    }

    /// True once `stop()` ran: every wait fails at once from then on.
    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Forgets a descriptor before its connection closes it.
    func forget(_ fd: Int32) {
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Fails every wait, present and future, and ends the thread. Safe to call more than once.
    func stop() {
        let (waiters, first) = state.withLock { state in
            let first = !state.stopped
            state.stopped = true
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), first)
        }
        for waiter in waiters { waiter.continuation.resume(returning: false) }
        guard first else { return }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// The descriptors close only here, once nothing can use them: closing them when the thread ends let a late
    /// `stop()` (a pool shut down twice) write 8 bytes into whatever socket had reused the eventfd's number, and
    /// a late `forget` or `wait` touch another epoll instance.
    deinit {
        _ = close(epollFD)
        _ = close(wakeFD)
    }

    private func resume(fd: Int32, ready: Bool) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: fd) }
        waiter?.continuation.resume(returning: ready)
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 128)
        var nextScan = ContinuousClock.now
        while true {
            let (stopped, busy) = state.withLock { ($0.stopped, !$0.waiters.isEmpty) }
            if stopped { break }
            let count = epoll_wait(epollFD, &events, Int32(events.count), busy ? Self.tickMilliseconds : 1000)
            for index in 0..<max(0, Int(count)) where events[index].data.fd >= 0 {
                resume(fd: events[index].data.fd, ready: true)
            }
            let now = ContinuousClock.now
            // Under load epoll_wait returns often; deadlines need looking at only once per tick.
            guard now >= nextScan else { continue }
            nextScan = now.advanced(by: .milliseconds(Int(Self.tickMilliseconds)))
            let expired = state.withLock { state in
                let fds = state.waiters.filter { $0.value.deadline <= now }.map(\.key)
                return fds.compactMap { state.waiters.removeValue(forKey: $0) }
            }
            for waiter in expired { waiter.continuation.resume(returning: false) }
            onTick(now)
        }
    }
}
