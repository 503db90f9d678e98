import HTTP1
import HTTPServer
import Locking
import Logging
import Testing
import TestSupport
import TraceContext

/// W3C `traceparent` over a real socket: a valid one is continued (same trace id, our own parent id), an absent or
/// invalid one replaced by a new trace; the answer, the handler and the access log line agree on it.
@Suite struct TraceparentTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// Answers with the trace the handler saw, and tries to set the trace fields itself (the server's win).
    static let traceEcho = ClosureResponder { request in
        Response(
            status: .ok, headers: ["traceparent": "00-11111111111111111111111111111111-2222222222222222-01", "tracestate": "handler=1"],
            body: Array((request.trace?.traceparent ?? "none").utf8))
    }

    func withServer(_ body: (Int, CapturedLogs) async throws -> Void) async throws {
        let logs = CapturedLogs()
        let server = Server(configuration: testConfiguration { $0.port = 0 }, responder: Self.traceEcho, logger: logs.logger)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(onListening: { sink.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port, logs)
        server.shutdown()
        try await running.value
    }

    func send(_ port: Int, _ fields: String) async throws -> RawHTTPClient.RawResponse {
        let client = try RawHTTPClient(port: port)
        try await client.write("GET /t HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
        return try await client.readResponse()
    }

    @Test func aValidParentIsContinuedWithOurOwnSpan() async throws {
        try await withServer { port, logs in
            let response = try await send(port, "traceparent: \(Self.parent)\r\ntracestate: rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\r\n")
            let answered = try #require(response.header("traceparent").flatMap(TraceParent.init(parsing:)))
            #expect(answered.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(answered.parentID != 0x00f0_67aa_0ba9_02b7)
            #expect(answered.flags == 1)
            #expect(response.headers.filter { $0.name.lowercased() == "traceparent" }.count == 1)
            #expect(response.header("tracestate") == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
            #expect(response.bodyText == answered.header, "the handler saw the trace it answered")
            #expect(response.header("X-Request-Id") != nil)
            let line = try #require(logs.records.withLock { $0.first { $0.message == "request" } })
            #expect(line.metadata["trace.id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(line.metadata["span.id"] == .string(String(answered.header.split(separator: "-")[2])))
        }
    }

    @Test(arguments: [
        "",
        "traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\r\ntracestate: rojo=1\r\n",
        "traceparent: 00-00000000000000000000000000000000-00f067aa0ba902b7-01\r\n",
        "traceparent: ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n",
        "traceparent: \(parent)\r\ntraceparent: \(parent)\r\n",
    ])
    func withoutAValidParentANewTraceIsStarted(_ fields: String) async throws {
        try await withServer { port, logs in
            let first = try await send(port, fields)
            let second = try await send(port, fields)
            let one = try #require(first.header("traceparent").flatMap(TraceParent.init(parsing:)))
            let other = try #require(second.header("traceparent").flatMap(TraceParent.init(parsing:)))
            #expect(one.traceID.hex != "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(one.traceID != other.traceID, "each request a trace of its own")
            #expect(one.flags == 0)
            #expect(first.header("tracestate") == nil)
            #expect(first.bodyText == one.header)
            let traced = logs.records.withLock { $0.filter { $0.message == "request" }.map { "\($0.metadata["trace.id"] ?? "-")" } }
            #expect(Set(traced) == [one.traceID.hex, other.traceID.hex])
        }
    }

    @Test func anAnswerTheServerMakesItselfCarriesATraceToo() async throws {
        try await withServer { port, logs in
            let client = try RawHTTPClient(port: port)
            try await client.write("BAD\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.statusCode == 400)
            let answered = try #require(response.header("traceparent").flatMap(TraceParent.init(parsing:)))
            let line = try #require(logs.records.withLock { $0.first { $0.message == "request" } })
            #expect(line.metadata["trace.id"] == .string(answered.traceID.hex))
        }
    }
}
