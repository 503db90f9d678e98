import CLinuxEvents
import Glibc
import Synchronization

/// Messages other threads send to an event loop.
enum LoopMessage: Sendable {
    case response(connection: UInt64, Response, route: String?)
    case shutdown
}

/// The thread-safe face of an event loop: a locked inbox plus an eventfd that wakes the loop.
/// Everything else about a loop is confined to its own thread.
final class EventLoopHandle: Sendable {
    private struct Inbox: ~Copyable {
        var messages: [LoopMessage] = []
        var closed = false
    }

    let wakeFD: Int32
    private let inbox = Mutex(Inbox())

    init() throws(SocketError) {
        wakeFD = try syscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    /// Queues a message and wakes the loop. Dropped silently once the loop has finished.
    func submit(_ message: LoopMessage) {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            let wasEmpty = inbox.messages.isEmpty
            inbox.messages.append(message)
            // One wakeup per batch: the loop resets the eventfd before it drains the inbox.
            if wasEmpty {
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
    }

    /// Called by the loop thread when the eventfd is readable.
    func drain() -> [LoopMessage] {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        return inbox.withLock { inbox in
            let messages = inbox.messages
            inbox.messages.removeAll(keepingCapacity: true)
            return messages
        }
    }

    /// Closes the eventfd under the lock so a late `submit` can never write to a reused descriptor.
    func close() {
        inbox.withLock { inbox in
            inbox.closed = true
            inbox.messages = []
            _ = Glibc.close(wakeFD)
        }
    }
}
