import CLinuxEvents
import Glibc
import HTTP1
import Logging
import Synchronization
import TraceContext

/// Serial numbers of the loops this process has made.
private let loopSerials = Atomic<UInt64>(0)

/// One epoll loop on its own thread. It accepts from the shared listener (EPOLLEXCLUSIVE lets the kernel spread
/// connections over loops), reads, parses, dispatches requests to the responder as Tasks, and writes the
/// responses that come back through its `EventLoopHandle`.
final class EventLoop {
    static let listenerID: UInt64 = 0
    static let wakeID: UInt64 = 1
    static let signalID: UInt64 = 2
    static let connectionEvents = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue

    let context: ServerContext
    /// Unique in the process, unlike the object's address (`EventLoopSocketWatch.currentLoopID`).
    let serial = loopSerials.add(1, ordering: .relaxed).newValue
    let handle: EventLoopHandle
    /// Every loop of the server, this one included, in order: accepted connections are dealt round them.
    let peers: [EventLoopHandle]
    let epollFD: Int32
    let listenerFD: Int32
    let signalFD: Int32?
    let onSignal: @Sendable () -> Void
    var connections: [UInt64: ClientConnection] = [:]
    var nextID: UInt64 = 16
    var now = ContinuousClock.now
    var nextTimerCheck: ContinuousClock.Instant?
    var acceptPausedUntil: ContinuousClock.Instant?
    var shutdownDeadline: ContinuousClock.Instant?
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    var dateCache = DateCache()
    var randomBytes = RandomBytes()
    var rejectedOpen = 0
    /// Database sockets that tasks on this loop wait on, with their deadlines (`EventLoopSocketWatch`).
    var socketWatchers: [Int32: (SocketWatcher, ContinuousClock.Instant)] = [:]
    /// Run once each, after this turn's tasks and before the loop next waits (`EventLoopSocketWatch.beforeNextWait`).
    var beforeNextWait: [() -> Void] = []
    var shutdownComplete = false

    init(context: ServerContext, handle: EventLoopHandle, peers: [EventLoopHandle], listenerFD: Int32,
         signalFD: Int32?, onSignal: @escaping @Sendable () -> Void) throws(SocketError) {
        self.context = context
        self.handle = handle
        self.peers = peers
        self.listenerFD = listenerFD
        self.signalFD = signalFD
        self.onSignal = onSignal
        epollFD = try syscall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            try register(handle.wakeFD, id: Self.wakeID, events: EPOLLIN.rawValue)
            try register(listenerFD, id: Self.listenerID, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
            if let signalFD { try register(signalFD, id: Self.signalID, events: EPOLLIN.rawValue) }
        } catch {
            _ = Glibc.close(epollFD)
            throw error
        }
    }

    func register(_ fd: Int32, id: UInt64, events: UInt32) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = id
        try syscall("epoll_ctl") { epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) }
    }

    func unregister(_ fd: Int32) {
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Runs until shutdown has drained every connection (or the grace period ran out).
    func run() {
        handle.bindToCurrentThread()
        pthread_setspecific(currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(currentLoopKey, nil) }
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var moreMessages = false
        while true {
            // Hooks queued by tasks that the last hooks resumed have not run yet: look for events, do not sleep.
            let timeout = moreMessages || !beforeNextWait.isEmpty ? 0 : waitTimeoutMilliseconds()
            let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)
            now = .now
            if count < 0 && errno != EINTR {
                context.logger.error("epoll_wait failed", metadata: ["errno": "\(errno)"])
                break
            }
            for index in 0..<max(0, Int(count)) {
                dispatchEvent(id: events[index].data.u64, flags: events[index].events)
            }
            // Timers first: an expired database wait resumes its task, which must run before the loop sleeps.
            if let check = nextTimerCheck, now >= check { runTimers() }
            moreMessages = runQueuedMessages()
            if !beforeNextWait.isEmpty {
                let hooks = beforeNextWait
                beforeNextWait = []
                hooks.forEach { $0() }
                // A hook may have resumed tasks; they run before the loop sleeps.
                moreMessages = runQueuedMessages() || moreMessages
            }
            if let deadline = shutdownDeadline, connections.isEmpty || now >= deadline { break }
        }
        for connection in Array(connections.values) { finalClose(connection) }
        shutdownComplete = true
        expireSocketWatchers(all: true)
        _ = Glibc.close(epollFD)
        handle.close()
    }

    private func waitTimeoutMilliseconds() -> Int32 {
        let wake = [nextTimerCheck, shutdownDeadline, acceptPausedUntil].compactMap { $0 }.min()
        guard let wake else { return -1 }
        let remaining = now.duration(to: wake)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }

    private func dispatchEvent(id: UInt64, flags: UInt32) {
        switch id {
        case Self.listenerID: acceptConnections()
        case Self.wakeID: handle.drain().forEach(receive)
        case Self.signalID:
            if let signalFD { _ = read(signalFD, &scratch, scratch.count) }
            onSignal()
        case Self.socketWatchBase...:
            socketReady(id: id)
        default:
            guard let connection = connections[id] else { return }
            connectionEvent(connection, flags: flags)
        }
    }

    /// Runs what the loop's own tasks queued (request handlers and their responses) before the loop sleeps
    /// again; true when a bounded number of rounds left work, so that sockets are not starved.
    private func runQueuedMessages() -> Bool {
        for _ in 0..<16 {
            let messages = handle.take()
            if messages.isEmpty { return false }
            messages.forEach(receive)
        }
        return true
    }

    private func receive(_ message: LoopMessage) {
        switch message {
        case .job(let job):
            job.runSynchronously(on: handle.asUnownedTaskExecutor())
        case .shutdown:
            beginShutdown()
        case .adopt(let fd):
            adopt(fd)
        case .response(let id, let response, let route):
            guard let connection = connections[id], connection.lifecycle.state == .handling else { return }
            connection.response = response
            endBodyStream(connection, failing: "the request was answered before its body was read")
            logRequest(connection, status: response.status, route: route)
            perform(connection.lifecycle.responseReady(), on: connection)
        case .admission(let id, let refusal):
            guard let connection = connections[id] else { return }
            admissionDecided(connection, refusal: refusal)
        case .bodyStreamRoom(let id):
            guard let connection = connections[id], connection.bodyStream != nil else { return }
            connection.bodyStreamPaused = false
            perform(.none, on: connection)
        case .streamed(let id, let piece):
            guard let connection = connections[id], connection.streaming != nil else { return }
            streamed(piece, on: connection)
        }
    }

    private func beginShutdown() {
        guard shutdownDeadline == nil else { return }
        shutdownDeadline = now.advanced(by: context.configuration.shutdownGracePeriod)
        if acceptPausedUntil == nil { unregister(listenerFD) }
        acceptPausedUntil = nil
        for connection in Array(connections.values) where connection.lingerDeadline == nil {
            perform(connection.lifecycle.shutdownRequested(), on: connection)
        }
    }

    /// Timers are scanned only when the earliest known deadline has passed, so busy loops pay nothing.
    private func runTimers() {
        if let paused = acceptPausedUntil, now >= paused {
            acceptPausedUntil = nil
            try? register(listenerFD, id: Self.listenerID, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
        }
        nextTimerCheck = nil
        expireSocketWatchers()
        for connection in Array(connections.values) {
            if let linger = connection.lingerDeadline {
                if now >= linger { finalClose(connection) } else { noteDeadline(linger) }
            } else if let deadline = connection.lifecycle.deadline {
                if case .awaitingBodyBudget = connection.lifecycle.state {
                    perform(.reserveBody, on: connection)  // tries again; refuses once the wait is over
                } else if now >= deadline {
                    perform(connection.lifecycle.timerFired(now: now), on: connection)
                } else {
                    noteDeadline(deadline)
                }
            }
        }
    }

    func noteDeadline(_ deadline: ContinuousClock.Instant?) {
        guard let deadline else { return }
        if let current = nextTimerCheck, current <= deadline { return }
        nextTimerCheck = deadline
    }
}
