public import Postgres
import HTTPServer

/// Database statements of request tasks wait on their own event loop's epoll (see `EventLoopSocketWatch`).
public struct EventLoopSocketWaiter: SocketWaiting {
    public init() {}

    public func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool? {
        await EventLoopSocketWatch.wait(readable: readable, on: fd, until: deadline)
    }

    public var currentLoopID: UInt64? { EventLoopSocketWatch.currentLoopID }

    public func beforeNextWait(_ body: @escaping () -> Void) -> Bool { EventLoopSocketWatch.beforeNextWait(body) }
}
