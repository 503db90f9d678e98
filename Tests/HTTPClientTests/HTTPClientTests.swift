import HTTP1
import HTTPClient
import Testing
import TestSupport

@Suite struct HTTPClientTests {
    /// A client that can reach nothing but loopback, whatever URL a test gives it.
    static func client(allowPrivate: Bool = true, timeout: Duration = .seconds(5), maxResponseBytes: Int = 64 * 1024) -> HTTPClient {
        var configuration = HTTPClientConfiguration(
            allowPrivateNetworks: allowPrivate, allowedNetworks: IPNetwork.loopback, timeout: timeout)
        configuration.maxResponseBytes = maxResponseBytes
        return HTTPClient(configuration: configuration)
    }

    static func post(_ port: Int, path: String = "/token") -> OutboundRequest {
        OutboundRequest(method: .POST, url: "http://127.0.0.1:\(port)\(path)",
                        headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                        body: "a=b".bytes)
    }

    @Test func sendsOneWellFormedRequestAndReadsTheResponse() async throws {
        let server = try ScriptedServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{\"ok\":true}".bytes))
        defer { server.stop() }
        let response = try await Self.client().send(Self.post(server.port, path: "/token?x=1"))
        #expect(response.status.code == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body == "{\"ok\":true}".bytes)
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("POST /token?x=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n"))
        #expect(request.contains("\r\nContent-Length: 3\r\n"))
        #expect(request.hasSuffix("\r\n\r\na=b"))
    }

    @Test func returnsRedirectsWithoutFollowingThem() async throws {
        let server = try ScriptedServer(.respond("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n".bytes))
        defer { server.stop() }
        let response = try await Self.client().send(Self.post(server.port))
        #expect(response.status.code == 302)
        #expect(server.requests.count == 1)
    }

    @Test func readsCloseDelimitedAndChunkedBodies() async throws {
        for raw in ["HTTP/1.0 200 OK\r\n\r\nuntil close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nuntil\r\n6\r\n close\r\n0\r\n\r\n"] {
            let server = try ScriptedServer(.respond(raw.bytes))
            defer { server.stop() }
            let response = try await Self.client().send(Self.post(server.port))
            #expect(response.body == "until close".bytes)
        }
    }

    @Test func givesUpOnASlowServerAtTheDeadline() async throws {
        let server = try ScriptedServer(.respondAfter(.seconds(6), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".bytes))
        defer { server.stop() }
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.timedOut) {
            try await Self.client(timeout: .milliseconds(300)).send(Self.post(server.port))
        }
        #expect(ContinuousClock.now - started < .seconds(4))  // generous: a loaded 2-core machine
    }

    @Test func stopsReadingAtTheResponseSizeLimit() async throws {
        let server = try ScriptedServer(.streamForever(
            head: "HTTP/1.1 200 OK\r\n\r\n".bytes, chunk: Array(repeating: UInt8(ascii: "x"), count: 8192)))
        defer { server.stop() }
        await #expect(throws: HTTPClientError.responseTooLarge) {
            try await Self.client(maxResponseBytes: 32 * 1024).send(Self.post(server.port))
        }
        let declared = try ScriptedServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n".bytes))
        defer { declared.stop() }
        await #expect(throws: HTTPClientError.responseTooLarge) { try await Self.client().send(Self.post(declared.port)) }
    }

    @Test func reportsGarbageAsAMalformedResponse() async throws {
        let server = try ScriptedServer(.respond("SSH-2.0-OpenSSH_9.6\r\n\r\n".bytes))
        defer { server.stop() }
        await #expect(throws: HTTPClientError.malformedResponse(.malformedStatusLine)) {
            try await Self.client().send(Self.post(server.port))
        }
        let truncated = try ScriptedServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort".bytes))
        defer { truncated.stop() }
        await #expect(throws: HTTPClientError.malformedResponse(.truncated)) {
            try await Self.client().send(Self.post(truncated.port))
        }
    }

    @Test func refusesLoopbackAndMetadataUnlessPrivateNetworksAreAllowed() async throws {
        let server = try ScriptedServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".bytes))
        defer { server.stop() }
        let guarded = Self.client(allowPrivate: false)
        await #expect(throws: HTTPClientError.refused(.loopback)) { try await guarded.send(Self.post(server.port)) }
        var viaName = Self.post(server.port)
        viaName.url = "http://localhost:\(server.port)/token"
        await #expect(throws: HTTPClientError.refused(.loopback)) { try await guarded.send(viaName) }
        for disguised in ["http://2130706433:\(server.port)/", "http://0x7f.1:\(server.port)/", "http://[::ffff:127.0.0.1]:\(server.port)/"] {
            await #expect(throws: HTTPClientError.refused(.loopback)) {
                try await guarded.send(OutboundRequest(method: .GET, url: disguised))
            }
        }
        // Without an allow-list, over a network that only records: the guard's own rules, and nothing contacted.
        let recorder = RecordingNetwork()
        let strict = HTTPClient(configuration: HTTPClientConfiguration(), network: recorder.network)
        let lifted = HTTPClient(configuration: HTTPClientConfiguration(allowPrivateNetworks: true), network: recorder.network)
        let metadata = OutboundRequest(method: .GET, url: "http://169.254.169.254/latest/meta-data/")
        await #expect(throws: HTTPClientError.refused(.cloudMetadata)) { try await strict.send(metadata) }
        await #expect(throws: HTTPClientError.refused(.unspecified)) {
            try await lifted.send(OutboundRequest(method: .GET, url: "http://0.0.0.0:\(server.port)/"))
        }
        #expect(recorder.connectionAttempts.isEmpty)
        #expect(server.requests.isEmpty)
        #expect(try await Self.client(allowPrivate: true).send(Self.post(server.port)).status.code == 200)
    }

    @Test func reportsARefusedConnection() async throws {
        let server = try ScriptedServer(.respond([]))
        let port = server.port
        server.stop()
        await #expect(throws: HTTPClientError.connectionFailed) { try await Self.client().send(Self.post(port)) }
    }

    @Test func refusesHeadersThatCouldSplitTheRequest() async throws {
        var request = Self.post(1)
        request.headers.add(name: "X-Evil", value: "a\r\nHost: other")
        await #expect(throws: HTTPClientError.invalidRequest("invalid value for header X-Evil")) {
            try await Self.client().send(request)
        }
        var owned = Self.post(1)
        owned.headers.add(name: "Host", value: "other")
        await #expect(throws: HTTPClientError.self) { try await Self.client().send(owned) }
    }

    @Test func failsTLSCleanlyAgainstAPlainTCPListener() async throws {
        let server = try ScriptedServer(.replyToFirstBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".bytes))
        defer { server.stop() }
        let request = OutboundRequest(method: .GET, url: "https://127.0.0.1:\(server.port)/")
        await #expect {
            try await Self.client().send(request)
        } throws: { error in
            guard case .tlsFailed = error as? HTTPClientError else { return false }
            return true
        }
    }

    @Test func cancellationEndsTheWait() async throws {
        let server = try ScriptedServer(.respondAfter(.seconds(6), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".bytes))
        defer { server.stop() }
        let started = ContinuousClock.now
        let task = Task { try await Self.client(timeout: .seconds(30)).send(Self.post(server.port)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: HTTPClientError.cancelled) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(4))  // generous: a loaded 2-core machine
    }
}
