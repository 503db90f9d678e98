/// A way for the task running a statement to wait for its connection's socket without leaving its thread:
/// an HTTP event loop that watches the socket in its own `epoll_wait`. The pool asks it first and falls back
/// to its reactor thread when the answer is nil (the caller is not on such a thread).
public protocol SocketWaiting: Sendable {
    /// True when ready, false when `deadline` passed first, nil when this waiter cannot serve the calling thread.
    func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool?
}
