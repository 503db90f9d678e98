import Glibc
import Locking

/// Starts a detached OS thread. Event loops block in epoll_wait, so they must not live on Swift's cooperative pool.
enum ThreadSpawner {
    static func spawn(_ body: @escaping @Sendable () -> Void) throws(SocketError) {
        let result = DetachedThread.start(body)
        guard result == 0 else { throw SocketError(call: "pthread_create", errno: result) }
    }
}
