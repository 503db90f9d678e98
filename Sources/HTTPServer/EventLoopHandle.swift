import CLinuxEvents
import Glibc
import Locking
import Synchronization

/// Messages other threads (and the loop's own tasks) send to an event loop.
enum LoopMessage: Sendable {
    case response(connection: UInt64, Response, route: String?)
    /// `Responder.admitBody`'s verdict on a head: nil reads the body, a response refuses it.
    case admission(connection: UInt64, refusal: RoutedResponse?)
    /// The next piece of a streamed response body (`ResponseStream`), asked for once the socket took the last.
    case streamed(connection: UInt64, StreamedPiece)
    /// A streamed request body's consumer made room: reading may go on.
    case bodyStreamRoom(connection: UInt64)
    /// A step of a request's task: request tasks prefer their loop as executor, so a handler that does not
    /// wait on another thread runs start to finish on the loop, without a thread hop or a wakeup.
    case job(UnownedJob)
    case shutdown
    /// A connection another loop accepted, handed over so that every loop serves its share.
    case adopt(fd: Int32)
}

/// The thread-safe face of an event loop: a locked inbox plus an eventfd that wakes the loop, and the
/// `TaskExecutor` its request tasks run on. Everything else about a loop is confined to its own thread.
final class EventLoopHandle: TaskExecutor {
    private struct Inbox: ~Copyable {
        var messages: [LoopMessage] = []
        var closed = false
    }

    let wakeFD: Int32
    private let inbox = Locked(Inbox())
    /// The loop's thread once it runs (0 before): its own submissions need no eventfd write, because the
    /// loop takes its inbox before every epoll_wait.
    private let loopThread = Atomic<UInt>(0)

    init() throws(SocketError) {
        wakeFD = try syscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    /// Called once on the loop's thread before it starts serving.
    func bindToCurrentThread() { loopThread.store(UInt(pthread_self()), ordering: .releasing) }

    private var isOnLoopThread: Bool { loopThread.load(ordering: .acquiring) == UInt(pthread_self()) }

    /// Queues a message and wakes the loop when it may be asleep. After the loop finished, jobs move to the
    /// global executor (so their tasks still complete) and other messages are dropped: false then.
    @discardableResult
    func submit(_ message: LoopMessage) -> Bool {
        let local = isOnLoopThread
        let accepted = inbox.withLock { inbox in
            guard !inbox.closed else { return false }
            let wasEmpty = inbox.messages.isEmpty
            inbox.messages.append(message)
            // One wakeup per batch: the loop takes the whole inbox before it next sleeps.
            if wasEmpty && !local {
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
            return true
        }
        if !accepted, case .job(let job) = message { Self.runElsewhere(job) }
        return accepted
    }

    /// Called by the loop thread when the eventfd is readable.
    func drain() -> [LoopMessage] {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        return take()
    }

    /// Takes every queued message without touching the eventfd (a stale wakeup only costs an empty drain).
    func take() -> [LoopMessage] {
        inbox.withLock { inbox in
            guard !inbox.messages.isEmpty else { return [] }
            let messages = inbox.messages
            inbox.messages.removeAll(keepingCapacity: true)
            return messages
        }
    }

    /// Closes the eventfd under the lock so a late `submit` can never write to a reused descriptor.
    func close() {
        let pending = inbox.withLock { inbox in
            inbox.closed = true
            let pending = inbox.messages
            inbox.messages = []
            _ = Glibc.close(wakeFD)
            return pending
        }
        for message in pending {
            switch message {
            case .job(let job): Self.runElsewhere(job)
            case .adopt(let fd): _ = Glibc.close(fd)  // never opened here: holds no connection slot
            case .response, .admission, .streamed, .bodyStreamRoom, .shutdown: break
            }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Runs a job of a task whose loop has stopped (a handler outliving the shutdown grace period).
    private static func runElsewhere(_ job: UnownedJob) {
        globalConcurrentExecutor.enqueue(job)
    }
}
