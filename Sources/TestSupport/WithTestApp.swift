public import App
import Cryptography
import Foundation
import HTTP1
public import HTTPClient
import HTTPServer
import Logging
import Postgres

/// Runs `body` against the process's shared `TestApp` (see `TestApp`), started on first use and kept for the
/// rest of the process: one server and one pool serve every test, however many run in parallel, so the database's
/// connection limit is never the bottleneck. Tests isolate themselves by making their own organisations.
/// Throws `TestAppUnavailable` without `DATABASE_URL`.
public func withTestApp<T>(_ body: (TestApp) async throws -> T) async throws -> T {
    try await body(try await SharedTestApp.shared.app())
}

/// Like `withTestApp`, but with a private server and pool built from an adjusted configuration (e.g. a different
/// `jwtClockSkewSeconds`) and, when given, an adjusted context (e.g. an outbound client over a recording
/// network), shut down when `body` returns or throws.
public func withIsolatedTestApp<T>(
    configure: (inout AppConfiguration) -> Void, context adjust: (inout AppContext) -> Void = { _ in },
    _ body: (TestApp) async throws -> T
) async throws -> T {
    var configuration = try TestApp.configuration()
    configure(&configuration)
    var context = try await TestApp.migratedContext(configuration)
    adjust(&context)
    defer { context.database.shutdown() }
    return try await withRunningServer(
        configuration: configuration.server, responder: Application.makeResponder(context: context)
    ) { port in
        try await body(TestApp(port: port, context: context))
    }
}

extension TestApp {
    /// The production configuration for tests: a throwaway credential key ring, 127.0.0.1 and a free port, and
    /// outbound calls pinned to loopback whatever a test's URLs say.
    static func configuration() throws -> AppConfiguration {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { throw TestAppUnavailable() }
        var configuration = AppConfiguration(
            databaseURL: url, credentialKeys: KeyRing.generateKeySpecification(version: "test1"))
        configuration.database.poolSize = 8
        configuration.database.acquireTimeout = .seconds(30)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.server.eventLoopThreads = 2
        configuration.outboundAllowedNetworks = IPNetwork.loopback
        return configuration
    }

    /// The production context, with the migrations applied. Concurrent first callers are safe: the Migrator
    /// holds an advisory lock and skips what is applied.
    static func migratedContext(_ configuration: AppConfiguration) async throws -> AppContext {
        let logger = Logger(label: "test-app", factory: { _ in SwiftLogNoOpLogHandler() })
        let context = try Application.makeContext(configuration: configuration, logger: logger)
        do {
            try await Migrator.fromDirectory().migrate(context.database)
        } catch {
            context.database.shutdown()
            throw error
        }
        return context
    }
}

/// `withTestApp` was called without `DATABASE_URL`.
public struct TestAppUnavailable: Error, CustomStringConvertible {
    public var description: String { "withTestApp needs DATABASE_URL" }
}

/// The process-wide app, started once (migrations included) by whichever test asks first, and served until the
/// process ends (so, unlike `withRunningServer`, it outlives any one test's body).
private actor SharedTestApp {
    static let shared = SharedTestApp()
    private var starting: Task<TestApp, any Error>?

    func app() async throws -> TestApp {
        if let starting { return try await starting.value }
        let task = Task { try await start(try TestApp.configuration()) }
        starting = task
        return try await task.value
    }

    private func start(_ configuration: AppConfiguration) async throws -> TestApp {
        let context = try await TestApp.migratedContext(configuration)
        try await context.startListeningForAPIKeyChanges()
        let server = Server(
            configuration: configuration.server, responder: Application.makeResponder(context: context),
            logger: Logger(label: "test-app", factory: { _ in SwiftLogNoOpLogHandler() }))
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        Task {
            defer { portSink.finish() }
            try await server.run(onListening: { portSink.yield($0) })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            context.database.shutdown()
            throw ServerDidNotStart()
        }
        return TestApp(port: port, context: context)
    }
}

extension AppContext {
    /// Starts `listenForAPIKeyChanges` for the life of the process and waits until it listens, so tests run
    /// with the API-key cache in play, as the server does.
    public func startListeningForAPIKeyChanges() async throws {
        Task { [self] in await listenForAPIKeyChanges() }
        let deadline = ContinuousClock.now + .seconds(10)
        while !cachesAPIKeys {
            guard ContinuousClock.now < deadline else { throw ServerDidNotStart() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
