/// A way for the task that opened an outbound request to wait for its connection's socket without leaving its
/// thread: an HTTP event loop that watches the socket in its own `epoll_wait` (App injects it; this module knows
/// no server). With one, `HTTPClient.open` drives a kept plain-HTTP connection from the calling task, with no
/// worker thread and no cross-thread wake-up per piece.
public protocol OutboundSocketWaiting: Sendable {
    /// Whether the calling thread is one this waiter serves; asked before an exchange takes this path.
    var canWaitOnCallingThread: Bool { get }

    /// True when `fd` is ready, false when `deadline` passed first, nil when the calling thread is not served.
    func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool?
}
