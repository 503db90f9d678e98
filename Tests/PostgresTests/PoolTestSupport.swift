import Foundation
import App
import HTTPServer
import Postgres
import Testing
import TestSupport

/// Database-backed tests run only when DATABASE_URL names a cluster (e.g. from `scripts/dev-db.sh start DIR`).
let databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"]
let hasDatabase = databaseURL != nil

/// A pool on DATABASE_URL, shut down after `body` whatever happens.
func withTestPool<T>(
    _ adjust: (inout DatabaseConfiguration) -> Void = { _ in },
    _ body: (DatabasePool) async throws -> T
) async throws -> T {
    var configuration = DatabaseConfiguration(connectionString: databaseURL ?? "")
    configuration.poolSize = 4
    configuration.applicationName = uniqueName("app")
    adjust(&configuration)
    let pool = DatabasePool(configuration: configuration)
    defer { pool.shutdown() }
    return try await body(pool)
}

/// A fresh identifier for tables and application names, so parallel tests never collide.
func uniqueName(_ prefix: String) -> String {
    "pgtest_\(prefix)_" + UUID().uuidString.prefix(8).lowercased()
}

/// A real table visible to every connection of the pool, dropped after `body`.
func withTable<T>(
    _ pool: DatabasePool, columns: String, _ body: (String) async throws -> T
) async throws -> T {
    let table = uniqueName("t")
    try await pool.withConnection { try await $0.execute(unsafeSQL: "CREATE TABLE \(table) (\(columns))") }
    do {
        let value = try await body(table)
        try await pool.withConnection { try await $0.execute(unsafeSQL: "DROP TABLE \(table)") }
        return value
    } catch {
        _ = try? await pool.withConnection { try await $0.execute(unsafeSQL: "DROP TABLE IF EXISTS \(table)") }
        throw error
    }
}

/// The error `body` throws, as a DatabaseError (fails the test if it throws nothing or something else).
func databaseError(_ body: () async throws -> Void) async -> DatabaseError? {
    do {
        try await body()
        Issue.record("expected a DatabaseError, got success")
    } catch let error as DatabaseError {
        return error
    } catch {
        Issue.record("expected a DatabaseError, got \(error)")
    }
    return nil
}

/// One request without a body on a connection of its own: its status and body.
func send(_ method: String, _ path: String, port: Int) async throws -> (Int, String) {
    let client = try RawHTTPClient(port: port)
    try await client.write("\(method) \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    let response = try await client.readResponse()
    return (response.statusCode, response.bodyText)
}

/// `send` for every path at once, each answer by its path.
func sendConcurrently(_ method: String, _ paths: [String], port: Int) async throws -> [String: (Int, String)] {
    try await withThrowingTaskGroup(of: (String, (Int, String)).self) { group in
        for path in paths { group.addTask { (path, try await send(method, path, port: port)) } }
        var answers: [String: (Int, String)] = [:]
        for try await (path, answer) in group { answers[path] = answer }
        return answers
    }
}

/// A pool of two on DATABASE_URL wired to the HTTP event loops as the application wires it, so that statements
/// of request tasks are pipelined on their loop; shut down after `body`.
func withLoopPool(_ name: String, _ body: (DatabasePool) async throws -> Void) async throws {
    var configuration = DatabaseConfiguration(connectionString: databaseURL ?? "")
    configuration.poolSize = 2
    configuration.applicationName = uniqueName(name)
    let pool = DatabasePool(configuration: configuration, socketWaiter: EventLoopSocketWaiter())
    defer { pool.shutdown() }
    try await body(pool)
}

/// A server with one event loop, so that concurrent requests share that loop's pipelines.
func withOneLoopServer(_ responder: some Responder, _ body: (Int) async throws -> Void) async throws {
    var server = ServerConfiguration()
    server.eventLoopThreads = 1
    try await withRunningServer(configuration: server, responder: responder, body)
}
