public import HTTPClient
public import Postgres
import HTTPServer

/// Database statements and kept outbound connections of request tasks wait on their own event loop's epoll (see
/// `EventLoopSocketWatch`).
public struct EventLoopSocketWaiter: SocketWaiting, OutboundSocketWaiting {
    public init() {}

    public func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool? {
        await EventLoopSocketWatch.wait(readable: readable, on: fd, until: deadline)
    }

    public var currentLoopID: UInt64? { EventLoopSocketWatch.currentLoopID }

    public var canWaitOnCallingThread: Bool { EventLoopSocketWatch.isOnEventLoop }

    public func beforeNextWait(_ body: @escaping () -> Void) -> Bool { EventLoopSocketWatch.beforeNextWait(body) }
}
