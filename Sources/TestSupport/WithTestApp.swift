public import App
import Cryptography
import Foundation
import HTTP1
import HTTPServer
import Logging
import Postgres
import Synchronization

/// Runs `body` against a started `TestApp`; see `TestApp`. Throws `TestAppUnavailable` without `DATABASE_URL`.
public func withTestApp<T>(
    configure: (inout AppConfiguration) -> Void = { _ in }, _ body: (TestApp) async throws -> T
) async throws -> T {
    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { throw TestAppUnavailable() }
    var configuration = AppConfiguration(
        databaseURL: url, credentialKeys: KeyRing.generateKeySpecification(version: "test1"))
    configuration.database.poolSize = 4
    configuration.server.host = "127.0.0.1"
    configuration.server.port = 0
    configuration.server.eventLoopThreads = 1
    configure(&configuration)
    let logger = Logger(label: "test-app", factory: { _ in SwiftLogNoOpLogHandler() })
    let context = try Application.makeContext(configuration: configuration, logger: logger)
    defer { context.database.shutdown() }
    try await MigrateOnce.shared.run(context.database)

    let server = Server(configuration: configuration.server, responder: Application.makeResponder(context: context), logger: logger)
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let running = Task {
        defer { portSink.finish() }
        try await server.run(onListening: { portSink.yield($0) })
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await running.value
        throw TestAppUnavailable()
    }
    do {
        let result = try await body(TestApp(port: port, context: context))
        server.shutdown()
        try await running.value
        return result
    } catch {
        server.shutdown()
        _ = try? await running.value
        throw error
    }
}

/// `withTestApp` was called without `DATABASE_URL`, or the server did not start.
public struct TestAppUnavailable: Error, CustomStringConvertible {
    public var description: String { "withTestApp needs DATABASE_URL and a server that starts" }
}

/// Applies the migrations once per test process, however many tests start apps in parallel.
private final class MigrateOnce: Sendable {
    static let shared = MigrateOnce()
    private let done = Mutex(false)

    func run(_ database: DatabasePool) async throws {
        if done.withLock({ $0 }) { return }
        // Concurrent first callers all migrate; the Migrator's advisory lock makes that safe and idempotent.
        try await Migrator.fromDirectory().migrate(database)
        done.withLock { $0 = true }
    }
}
