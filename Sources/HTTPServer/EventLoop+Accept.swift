import Glibc
import HTTP1
import Logging
import Synchronization

extension EventLoop {
    /// Most connections still answered 503 at once beyond `maxConnections`; past this they are just closed.
    static let maxRejectedInFlight = 256

    func acceptConnections() {
        for _ in 0..<64 {
            let fd: Int32
            do {
                guard case .processed(let accepted) = try Socket.accept(listenerFD) else { return }
                fd = accepted
            } catch {
                if error.errno == EMFILE || error.errno == ENFILE || error.errno == ENOBUFS || error.errno == ENOMEM {
                    // Out of descriptors: stop accepting for a moment instead of spinning on a ready listener.
                    context.logger.warning("accept paused", metadata: ["error": "\(error)"])
                    unregister(listenerFD)
                    acceptPausedUntil = now.advanced(by: .milliseconds(100))
                    noteDeadline(acceptPausedUntil)
                    return
                }
                continue  // ECONNABORTED and friends concern one connection only
            }
            // Dealt round the loops: EPOLLEXCLUSIVE wakes one loop, which then accepts a whole burst, so 16
            // clients connecting at once could all land on one loop (and its one database pipeline).
            let target = context.acceptedConnections.add(1, ordering: .relaxed).newValue % peers.count
            if peers[target] === handle || !peers[target].submit(.adopt(fd: fd)) { adopt(fd) }
        }
    }

    /// Serves an accepted connection here: within `maxConnections`, or answered 503 at once, or closed.
    func adopt(_ fd: Int32) {
        if shutdownDeadline != nil {
            _ = Glibc.close(fd)
        } else if context.reserveConnection() {
            open(fd, holdsSlot: true)
        } else if rejectedOpen < Self.maxRejectedInFlight {
            rejectedOpen += 1
            if let connection = open(fd, holdsSlot: false) {
                perform(connection.lifecycle.protocolError(.serviceUnavailable), on: connection)
            }
        } else {
            _ = Glibc.close(fd)
        }
    }

    @discardableResult
    private func open(_ fd: Int32, holdsSlot: Bool) -> ClientConnection? {
        let id = nextID
        nextID += 1
        let connection = ClientConnection(
            id: id, fd: fd, holdsSlot: holdsSlot, timeouts: context.timeouts,
            limits: context.configuration.limits, now: now)
        do {
            try register(fd, id: id, events: Self.connectionEvents)
        } catch {
            _ = Glibc.close(fd)
            if holdsSlot { context.releaseConnection() } else { rejectedOpen -= 1 }
            return nil
        }
        connections[id] = connection
        noteDeadline(connection.lifecycle.deadline)
        return connection
    }
}
