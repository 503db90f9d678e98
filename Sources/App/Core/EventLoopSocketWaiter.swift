import HTTPServer
import Postgres

/// Database statements of request tasks wait on their own event loop's epoll (see `EventLoopSocketWatch`).
struct EventLoopSocketWaiter: SocketWaiting {
    func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool? {
        await EventLoopSocketWatch.wait(readable: readable, on: fd, until: deadline)
    }

    var currentLoopID: UInt64? { EventLoopSocketWatch.currentLoopID }

    func beforeNextWait(_ body: @escaping () -> Void) -> Bool { EventLoopSocketWatch.beforeNextWait(body) }
}
