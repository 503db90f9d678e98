import Glibc
import HTTP1
import HTTPServer
import Logging
import Locking
import Testing
import TestSupport

/// Collects log records so tests can check the access log.
final class CapturedLogs: Sendable {
    struct Handler: LogHandler {
        let store: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            store.records.withLock { $0.append((event.message.description, event.metadata ?? [:])) }
        }
    }

    let records = Locked<[(message: String, metadata: Logger.Metadata)]>([])
    var logger: Logger { Logger(label: "test") { _ in Handler(store: self) } }
}

@Suite struct LoggingAndSignalTests {
    @Test func logsOneLineWithRouteTemplatePerRequest() async throws {
        var router = Router()
        router.on(.GET, "/hubs/:hub_id") { _ in Response(status: .ok) }
        let responder = RouterResponder(router: router) { _, _ in Response(status: .internalServerError) }
        let logs = CapturedLogs()
        let server = Server(configuration: testConfiguration { $0.port = 0 }, responder: responder, logger: logs.logger)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(onListening: { sink.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let client = try RawHTTPClient(port: port)
        try await client.write("GET /hubs/secret-42 HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-1\r\n\r\n")
        #expect(try await client.readResponse().statusCode == 200)
        let malformed = try RawHTTPClient(port: port)
        try await malformed.write("BAD\r\n\r\n")
        #expect(try await malformed.readResponse().statusCode == 400)
        server.shutdown()
        try await running.value
        let requests = logs.records.withLock { $0.filter { $0.message == "request" } }
        try #require(requests.count == 2)
        #expect(requests[1].metadata["http.status"] == "400")
        #expect(requests[1].metadata["http.route"] == "-")
        let metadata = requests[0].metadata
        #expect(metadata["http.route"] == "/hubs/:hub_id")
        #expect(metadata["http.method"] == "GET")
        #expect(metadata["http.status"] == "200")
        #expect(metadata["request.id"] == "req-1")
        #expect(metadata["duration_ms"] != nil)
        #expect(!"\(requests[0])".contains("secret-42"))
    }

    @Test func sigtermShutsDownGracefully() async throws {
        let server = Server(configuration: testConfiguration { $0.port = 0 }, responder: echoResponder)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(handleSignals: true, onListening: { sink.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        _ = try #require(await iterator.next())
        kill(getpid(), SIGTERM)
        try await running.value
    }
}
