@testable import App
import Cryptography
import Foundation
import HTTP1
import HTTPClient
import HTTPServer
import JSON
import Logging
import Postgres
import Synchronization
import TestSupport

/// The real server on 127.0.0.1 over a real database, for the end-user and connection tests: requests travel
/// as bytes over a socket through the production server and responder (routing, error mapping, handlers, SQL).
/// Authentication is the real one (API keys, end-user JWTs) and fixtures are made through the API, as in
/// `TestApp`; unlike it, every log line is captured so tests can prove no secret is ever logged.
struct ConnectionsApp: Sendable {
    let context: AppContext
    let port: Int
    let logs: CapturedLogs

    static var isAvailable: Bool { ProcessInfo.processInfo.environment["DATABASE_URL"] != nil }

    func request(
        _ method: HTTPMethod, _ target: String, auth: HeaderFields, json: JSONValue? = nil,
        headers: HeaderFields = [:]
    ) async -> AppResponse {
        var all = auth
        for field in headers { all.add(name: field.name, value: field.value) }
        if json != nil, !all.contains("Content-Type") { all.add(name: "Content-Type", value: "application/json") }
        return await send(method, target, headers: all, body: json?.serialized() ?? [])
    }

    func send(_ method: HTTPMethod, _ target: String, headers: HeaderFields, body: [UInt8]) async -> AppResponse {
        TestSecretsLedger.recordSecrets(inRequestBody: body)
        var head = "\(method.rawValue) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        do {
            let client = try RawHTTPClient(port: port)
            try await client.write(Array(head.utf8) + body)
            let raw = try await client.readResponse(isHEAD: method == .HEAD, timeout: .seconds(30))
            return AppResponse(status: raw.statusCode, headers: HeaderFields(raw.headers), body: raw.body)
        } catch {
            return AppResponse(status: 0, headers: [:], body: Array("transport error: \(error)".utf8))
        }
    }
}

/// Runs `body` against the process's shared app (one server, one pool of 8, one key ring), started on first use;
/// tests isolate themselves by making their own organisations. With `credentialKeys` or `configure`, against a
/// private app built that way instead, shut down when `body` returns.
/// `network`, when given, stands in for the outbound client's resolver and connections.
func withConnectionsApp<T>(
    credentialKeys: String? = nil, configure: ((inout AppConfiguration) -> Void)? = nil,
    network: OutboundNetwork? = nil, _ body: (ConnectionsApp) async throws -> T
) async throws -> T {
    guard credentialKeys != nil || configure != nil || network != nil else {
        return try await body(try await SharedConnectionsApp.shared.app())
    }
    var (context, logs) = try await ConnectionsApp.makeContext(
        credentialKeys: credentialKeys ?? KeyRing.generateKeySpecification(version: "private1"), configure: configure)
    if let network { context.outbound = HTTPClient(configuration: context.configuration.outboundClient, network: network) }
    defer { context.database.shutdown() }
    return try await withRunningServer(responder: Application.makeResponder(context: context)) { port in
        try await body(ConnectionsApp(context: context, port: port, logs: logs))
    }
}

extension ConnectionsApp {
    /// The production context over `DATABASE_URL`, migrated, logging into a capture, outbound calls pinned to
    /// loopback.
    static func makeContext(
        credentialKeys: String, configure: ((inout AppConfiguration) -> Void)? = nil
    ) async throws -> (AppContext, CapturedLogs) {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        var configuration = AppConfiguration(databaseURL: url, credentialKeys: credentialKeys)
        configuration.database.poolSize = 8
        configuration.database.acquireTimeout = .seconds(30)
        configuration.outboundAllowedNetworks = IPNetwork.loopback
        configure?(&configuration)
        let logs = CapturedLogs()
        let logger = Logger(label: "connections-test", factory: { _ in CapturingLogHandler(logs: logs) })
        let context = try Application.makeContext(configuration: configuration, logger: logger)
        try await MigrateOnce.shared.run(context.database)
        return (context, logs)
    }
}

/// The shared app: started once, served until the process ends.
private actor SharedConnectionsApp {
    static let shared = SharedConnectionsApp()
    private var starting: Task<ConnectionsApp, any Error>?

    func app() async throws -> ConnectionsApp {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        return try await task.value
    }

    private static func start() async throws -> ConnectionsApp {
        let (context, logs) = try await ConnectionsApp.makeContext(
            credentialKeys: KeyRing.generateKeySpecification(version: "shared1"))
        try await context.startListeningForAPIKeyChanges()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = Server(configuration: configuration, responder: Application.makeResponder(context: context))
        let (ports, sink) = AsyncStream<Int>.makeStream()
        Task {
            defer { sink.finish() }
            try await server.run(onListening: { sink.yield($0) })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw FixtureError("the shared server did not start") }
        return ConnectionsApp(context: context, port: port, logs: logs)
    }
}

struct AppResponse: Sendable {
    let status: Int
    let headers: HeaderFields
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { body.isEmpty ? nil : try? JSONValue.parse(body) }
    subscript(key: String) -> JSONValue? { json?[key] }
    var errorCode: String? { self["code"]?.stringValue }
    var errorFields: [String] {
        guard case .array(let items)? = self["fields"] else { return [] }
        return items.compactMap { $0["field"]?.stringValue }
    }
}

extension JSONValue {
    var count: Int { if case .array(let items) = self { items.count } else { 0 } }
}

/// Applies the migrations once per test process (concurrent first callers are safe: the Migrator locks).
final class MigrateOnce: Sendable {
    static let shared = MigrateOnce()
    private let done = Mutex(false)

    func run(_ database: DatabasePool) async throws {
        if done.withLock({ $0 }) { return }
        try await Migrator.fromDirectory().migrate(database)
        done.withLock { $0 = true }
    }
}

/// Every log message and its metadata, as text.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        logs.append("\(event.level) \(event.message) \(merged)")
    }
}
