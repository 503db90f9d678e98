import HTTP1
import Synchronization

/// CPU-heavy steps of a request (RSA signing and verification, certificate and key-pair checks: milliseconds
/// each, tens of them for a 4096-bit key) run here, off the event loops, so the other connections of the
/// request's loop are served meanwhile.
///
/// Swift's global concurrent executor runs them: a fixed pool of one thread per core, which this server otherwise
/// leaves nearly idle (request tasks run on the loops' own executors, database I/O on the loops and the pool's
/// reactor thread). A pool of the server's own would only add threads competing for the same cores, and
/// `BlockingThread`'s thread per call suits waiting, not computing. The global pool queues without bound, so
/// admission is bounded here: beyond `limit` jobs running or queued, 503 `overloaded`.
enum OffLoopWork {
    static let limit = 256
    private static let admitted = Atomic<Int>(0)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard admitted.add(1, ordering: .relaxed).newValue <= limit else {
            admitted.subtract(1, ordering: .relaxed)
            throw APIError(.overloaded, "the server is busy; retry shortly", headers: ["Retry-After": "1"])
        }
        defer { admitted.subtract(1, ordering: .relaxed) }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) { try work() }
    }
}
