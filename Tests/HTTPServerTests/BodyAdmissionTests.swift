import HTTP1
import HTTPServer
import Synchronization
import Testing
import TestSupport

/// Screens by path and answers `held=<budget bytes while handling> body=<bytes received>`; `/hold` first waits
/// until `release` is set, holding its body.
private final class ScreeningResponder: Responder {
    let budget: BodyBudget
    let release = Atomic<Bool>(false)

    init(budget: BodyBudget) { self.budget = budget }

    func respond(to request: Request) async -> Response {
        let held = budget.heldBytes
        while request.path == "/hold" && !release.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(5)) }
        return Response(status: .ok, body: Array("held=\(held) body=\(request.body.count)".utf8))
    }

    func screenBody(of request: Request, arrived: Bool) -> BodyScreening {
        switch request.path {
        case "/refuse": .refuse(RoutedResponse(Response(status: .unauthorized), route: nil))
        case "/discard": .discard
        case "/admit-yes", "/admit-no": .read(limit: .max, admitFirst: true)
        case "/small": .read(limit: 10, admitFirst: false)
        default: .read(limit: .max, admitFirst: false)
        }
    }

    func admitBody(of request: Request) async -> RoutedResponse? {
        request.path == "/admit-no" ? RoutedResponse(Response(status: .forbidden), route: nil) : nil
    }
}

/// Every way a body's reservation ends returns it to the `BodyBudget`: answered, refused, timed out, reset.
@Suite struct BodyAdmissionTests {
    let budget = BodyBudget(ceiling: 1000)
    private let responder: ScreeningResponder

    init() { responder = ScreeningResponder(budget: budget) }

    /// `readTimeout` is long but for the test of the timeout: on a loaded machine a client's next write can come
    /// late, and the timed-out body's reservation must stay long enough to be seen.
    func serve(
        wait: Duration = .milliseconds(300), readTimeout: Duration = .seconds(10), _ body: (Int) async throws -> Void
    ) async throws {
        let configuration = testConfiguration {
            $0.bodyBudget = budget
            $0.bodyBudgetWait = wait
            $0.bodyReadTimeout = readTimeout
        }
        try await withRunningServer(configuration: configuration, responder: responder, body)
    }

    func post(_ path: String, bytes: Int, extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: \(bytes)\r\n\(extra)\r\n" + String(repeating: "a", count: bytes)
    }

    /// True once `condition` holds, polling for up to 3 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(3))
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    @Test func anAnsweredRequestHeldItsBodyUntilItsResponse() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write(post("/echo", bytes: 500))
            #expect(try await client.readResponse().bodyText == "held=500 body=500")
            #expect(budget.heldBytes == 0)
        }
    }

    @Test func aRefusalOnTheHeadIsAnsweredWithoutReadingTheBodyAndCloses() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            // Far beyond the budget: read, it would wait and get 503, not 401.
            try await client.write("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc")
            let response = try await client.readResponse(timeout: .seconds(3))
            #expect(response.statusCode == 401)
            #expect(response.header("Connection") == "close")
            #expect(await client.waitForClose(timeout: .seconds(3)))
            #expect(budget.heldBytes == 0)
        }
    }

    @Test func aRefusedBodyThatCameWithItsHeadIsDroppedAndTheConnectionKept() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write(post("/refuse", bytes: 5) + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().statusCode == 401)
            #expect(try await client.readResponse().bodyText == "held=0 body=0")
        }
    }

    @Test func noRoomWithinTheWaitIs503WithItsOwnCode() async throws {
        try await serve { port in
            let holder = try RawHTTPClient(port: port)
            try await holder.write(post("/hold", bytes: 800))
            #expect(try await eventually { budget.heldBytes == 800 })
            let refused = try RawHTTPClient(port: port)
            try await refused.write(post("/echo", bytes: 500))
            let response = try await refused.readResponse(timeout: .seconds(10))
            #expect(response.statusCode == 503)
            #expect(response.bodyText.contains("too many request bodies are in memory"))
            #expect(response.header("Retry-After") == "1")
            #expect(response.header("Connection") == "close")
            #expect(budget.refusedRequests == 1)
            responder.release.store(true, ordering: .relaxed)
            #expect(try await holder.readResponse().bodyText == "held=800 body=800")
            #expect(budget.heldBytes == 0)
        }
    }

    @Test func aWaitingBodyIsReadOnceRoomIsFreed() async throws {
        try await serve(wait: .seconds(3)) { port in
            let holder = try RawHTTPClient(port: port)
            try await holder.write(post("/hold", bytes: 800))
            #expect(try await eventually { budget.heldBytes == 800 })
            let waiting = try RawHTTPClient(port: port)
            try await waiting.write(post("/echo", bytes: 500))
            try await Task.sleep(for: .milliseconds(100))  // the second body is waiting by now (or soon)
            responder.release.store(true, ordering: .relaxed)
            #expect(try await holder.readResponse().statusCode == 200)
            #expect(try await waiting.readResponse(timeout: .seconds(3)).bodyText == "held=500 body=500")
            #expect(budget.refusedRequests == 0)
            #expect(budget.heldBytes == 0)
        }
    }

    @Test func aBodyThatTimesOutReturnsItsReservation() async throws {
        try await serve(readTimeout: .seconds(2)) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc")
            #expect(try await eventually { budget.heldBytes == 500 })
            #expect(try await client.readResponse(timeout: .seconds(10)).statusCode == 408)
            #expect(budget.heldBytes == 0)
        }
    }

    @Test func aResetConnectionReturnsItsReservation() async throws {
        try await serve { port in
            do {
                let client = try RawHTTPClient(port: port)
                try await client.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc")
                #expect(try await eventually { budget.heldBytes == 500 })
                client.resetOnClose()
            }
            #expect(try await eventually { budget.heldBytes == 0 })
        }
    }

    @Test func aDiscardedBodyIsNeitherHeldNorHandedOn() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write(post("/discard", bytes: 5000) + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "held=0 body=0")
            #expect(try await client.readResponse().statusCode == 200)
        }
    }

    @Test func aRefusedAdmissionSendsNo100ContinueAndCloses() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /admit-no HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(3)).statusCode == 403)
            #expect(await client.waitForClose(timeout: .seconds(3)))
        }
    }

    @Test func anAdmittedBodyIsInvitedWith100ContinueThenRead() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /admit-yes HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(3)).statusCode == 100)
            try await client.write("hello")
            #expect(try await client.readResponse().bodyText == "held=5 body=5")
        }
    }

    @Test func aBodyOverItsRoutesLimitIs413BeforeItIsRead() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(3)).statusCode == 413)
        }
    }

    @Test func aChunkedBodyReservesItsRoutesLimit() async throws {
        try await serve { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "held=10 body=5")
            try await client.write("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")
            #expect(try await client.readResponse().statusCode == 413)
            #expect(budget.heldBytes == 0)
        }
    }
}
