import Glibc
import HTTP1
import HTTPServer
import Testing
import TestSupport

/// `EventLoopSocketWatch`: a request task waiting on a socket of its own (a database connection) in its loop.
@Suite struct SocketWatchTests {
    /// Answers "ready" when the peer of a fresh socket pair has written first (`/ready`), "timeout" when nothing
    /// arrives within 200 ms, and "off-loop" when called outside an event loop.
    private static let responder = ClosureResponder { request in
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return Response(status: .internalServerError) }
        defer { close(pair[0]); close(pair[1]) }
        if request.path == "/ready" { _ = write(pair[1], "x", 1) }
        let answer = await EventLoopSocketWatch.wait(readable: true, on: pair[0], until: .now + .milliseconds(200))
        let text = answer.map { $0 ? "ready" : "timeout" } ?? "off-loop"
        return Response(status: .ok, body: Array(text.utf8))
    }

    @Test func readySocketResumesTheTask() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: Self.responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(5)).bodyText == "ready")
        }
    }

    /// The loop is otherwise idle when the deadline passes: the expired wait must still resume its task and the
    /// response go out, so the loop runs what its timers resumed before it sleeps again without a timeout.
    @Test func expiredWaitAnswersOnAnIdleLoop() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: Self.responder) { port in
            let client = try RawHTTPClient(port: port)
            let started = ContinuousClock.now
            try await client.write("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(5)).bodyText == "timeout")
            #expect(ContinuousClock.now - started >= .milliseconds(190))
        }
    }

    /// A hook resumes a task that queues another hook (a read whose batch's answer was already in, queueing the
    /// next batch's Sync): the loop must run that one too before it sleeps, not leave it for an event that may
    /// never come.
    @Test func aHookQueuedAfterTheHooksRanStillRunsBeforeTheLoopSleeps() async throws {
        let responder = ClosureResponder { _ in
            for _ in 0..<2 {
                await withCheckedContinuation { continuation in
                    if !EventLoopSocketWatch.beforeNextWait({ continuation.resume() }) { continuation.resume() }
                }
            }
            return Response(status: .ok, body: Array("after two turns".utf8))
        }
        try await withRunningServer(configuration: testConfiguration(), responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /hooks HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(3)).bodyText == "after two turns")
        }
    }

    @Test func offTheLoopsTheWatchDeclines() async {
        #expect(await EventLoopSocketWatch.wait(readable: true, on: 0, until: .now) == nil)
    }
}
