/// A way for the task running a statement to wait for its connection's socket without leaving its thread:
/// an HTTP event loop that watches the socket in its own `epoll_wait`. The pool asks it first and falls back
/// to its reactor thread when the answer is nil (the caller is not on such a thread).
public protocol SocketWaiting: Sendable {
    /// True when ready, false when `deadline` passed first, nil when this waiter cannot serve the calling thread.
    func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool?

    /// An identity of the event loop running the calling thread, unique for the process's lifetime; nil on any
    /// other thread. Tasks that see the same value run on the same thread until they finish (`PipelineDriver`).
    var currentLoopID: UInt64? { get }

    /// Runs `body` on the calling loop's thread after the tasks ready in this turn, before the loop waits again;
    /// false (and `body` dropped) off the loops.
    func beforeNextWait(_ body: @escaping () -> Void) -> Bool
}
