@testable import App
import Cryptography
import Domain
import Foundation
import HTTP1
import HTTPClient
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// The proxy relays large answers as they arrive, over real sockets, against a provider of our own whose answers
/// are themselves streamed (generated on the fly, never held): they arrive intact with either framing, a HEAD
/// gets the head alone, and a provider that dies mid-body cuts the caller's answer short.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ProxyStreamingTests {
    static let large = 20 * 1024 * 1024

    private func get(
        _ app: ConnectionsApp, _ access: AccessTenant, _ connectionID: String, _ rest: String, method: HTTPMethod = .GET
    ) async throws -> RawHTTPClient {
        var head = "\(method.rawValue) /hubs/\(access.tenant.hubID)/users/ada/connections/\(connectionID)/proxy/\(rest)"
        // Asking for gzip: a streamed answer is never compressed by this server, whatever its size.
        head += " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept-Encoding: gzip\r\n"
        for field in access.accessAuth { head += "\(field.name): \(field.value)\r\n" }
        let client = try RawHTTPClient(port: app.port)
        try await client.write(head + "\r\n")
        return client
    }

    private func withProvider(
        proxyMaxBodyBytes: Int? = nil, outboundPerOrganisation: Int? = nil,
        _ body: (ConnectionsApp, AccessTenant, String) async throws -> Void
    ) async throws {
        var provider = ServerConfiguration()
        provider.limits.maxBodyBytes = 64 * 1024 * 1024
        try await withRunningServer(configuration: provider, responder: GeneratingUpstream()) { port in
            try await withAccessApp(
                proxyMaxBodyBytes: proxyMaxBodyBytes, outboundPerOrganisation: outboundPerOrganisation
            ) { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base", action: [AccessBodies.basic])
                try await body(app, access, connectionID)
            }
        }
    }

    @Test func aLargeDownloadWithContentLengthArrivesIntact() async throws {
        try await withProvider { app, access, connectionID in
            let client = try await get(app, access, connectionID, "download?framing=length&bytes=\(Self.large)")
            let response = try await client.readResponse(timeout: .seconds(60))
            #expect(response.statusCode == 200)
            #expect(response.header("content-length") == "\(Self.large)")
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.header("content-encoding") == nil && response.header("vary") == nil)
            #expect(response.body.count == Self.large)
            #expect(Digest.sha256(response.body) == Digest.sha256(GeneratingUpstream.bytes(0..<Self.large)))
            #expect(app.context.metrics.render().contains("proxy_bytes_total{direction=\"received\"} \(Self.large)"))
        }
    }

    @Test func aLargeChunkedDownloadArrivesIntactChunked() async throws {
        try await withProvider { app, access, connectionID in
            let client = try await get(app, access, connectionID, "download?framing=chunked&bytes=\(Self.large)")
            let response = try await client.readResponse(timeout: .seconds(60))  // no length: read until close
            #expect(response.statusCode == 200)
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.header("content-length") == nil)
            let body = try Self.dechunk(response.body)
            #expect(body.count == Self.large)
            #expect(Digest.sha256(body) == Digest.sha256(GeneratingUpstream.bytes(0..<Self.large)))
        }
    }

    @Test func aHeadGetsTheDeclaredLengthAndNoBody() async throws {
        try await withProvider { app, access, connectionID in
            let client = try await get(app, access, connectionID, "download?framing=length&bytes=12345", method: .HEAD)
            let response = try await client.readResponse(isHEAD: true, timeout: .seconds(10))
            #expect(response.statusCode == 200)
            #expect(response.header("content-length") == "12345")
            #expect(try await client.readUntilClose(timeout: .seconds(10)).isEmpty)
        }
    }

    @Test func aProviderDyingMidBodyCutsTheAnswerShort() async throws {
        try await withProvider { app, access, connectionID in
            let declared = try await get(app, access, connectionID, "download?framing=length&bytes=8388608&dieAfter=1048576")
            await #expect(throws: RawHTTPClient.ClosedEarly.self) {
                _ = try await declared.readResponse(timeout: .seconds(30))
            }
            let chunked = try await get(app, access, connectionID, "download?framing=chunked&bytes=8388608&dieAfter=1048576")
            let response = try await chunked.readResponse(timeout: .seconds(30))
            #expect(response.statusCode == 200)
            #expect(throws: (any Error).self) { try Self.dechunk(response.body) }  // no last chunk
            #expect(response.body.count > 1_048_576 && response.body.count < 8_388_608)
            #expect(app.context.metrics.render().contains("proxy_responses_cut_short_total{connector="))
        }
    }

    /// After the first request connects (on a worker thread), the kept connection carries the next ones from the
    /// request's own event loop: short and large answers arrive intact.
    @Test func keptConnectionsCarryAnswersFromTheRequestsEventLoop() async throws {
        try await withProvider { app, access, connectionID in
            let short = "download?framing=length&bytes=100"
            for _ in 0..<3 {
                let response = try await get(app, access, connectionID, short).readResponse(timeout: .seconds(10))
                #expect(response.statusCode == 200)
                #expect(response.header("content-length") == "100")
                #expect(response.body == GeneratingUpstream.bytes(0..<100))
            }
            let bytes = 4 * 1024 * 1024  // many 64 KiB reads, each handed on from the loop
            let client = try await get(app, access, connectionID, "download?framing=chunked&bytes=\(bytes)")
            let response = try await client.readResponse(timeout: .seconds(60))
            #expect(try Self.dechunk(response.body) == GeneratingUpstream.bytes(0..<bytes))
            #expect(app.context.outbound.connectionCounts == (opened: 1, reused: 3))
            #expect(app.context.outbound.reusedOnCallingLoop == 3)
        }
    }

    /// A caller that leaves mid-body ends the exchange on its event loop: the organisation's one slot comes back,
    /// so its next request is served rather than refused.
    @Test func aCallerLeavingMidBodyGivesTheOrganisationsSlotBack() async throws {
        try await withProvider(outboundPerOrganisation: 1) { app, access, connectionID in
            let short = "download?framing=length&bytes=100"
            // The first call's worker thread returns the slot as it ends, a moment after the answer: the second
            // call, over the kept connection, runs on the loop once the slot is free.
            try await expectServed(app, access, connectionID, short)
            try await expectServed(app, access, connectionID, short)
            let before = app.context.outbound.reusedOnCallingLoop
            do {
                // 20 MB the caller never reads: the answer stalls mid-body with the slot held.
                let leaving = try await get(app, access, connectionID, "download?framing=length&bytes=\(Self.large)")
                try await Task.sleep(for: .milliseconds(300))
                let refused = try await get(app, access, connectionID, short).readResponse(timeout: .seconds(10))
                #expect(refused.statusCode == 503)
                #expect(refused.header("retry-after") == "1")
                leaving.resetOnClose()
            }
            #expect(app.context.outbound.reusedOnCallingLoop == before + 1)
            try await expectServed(app, access, connectionID, short)
        }
    }

    /// Sends GET `rest` until it is served (a slot may be about to come back), for up to a second.
    private func expectServed(_ app: ConnectionsApp, _ access: AccessTenant, _ connectionID: String, _ rest: String) async throws {
        var status = 0
        for _ in 0..<50 {
            status = try await get(app, access, connectionID, rest).readResponse(timeout: .seconds(10)).statusCode
            if status == 200 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == 200)
    }

    struct Unfinished: Error {}

    /// Sends `head` (without its end) and then `body` in 64 KiB writes, as a client uploading would.
    private func upload(
        _ app: ConnectionsApp, _ access: AccessTenant, _ connectionID: String, framing: String, body: [UInt8]
    ) async throws -> RawHTTPClient.RawResponse {
        var head = "POST /hubs/\(access.tenant.hubID)/users/ada/connections/\(connectionID)/proxy/upload HTTP/1.1\r\n"
        head += "Host: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/octet-stream\r\n\(framing)\r\n"
        for field in access.accessAuth { head += "\(field.name): \(field.value)\r\n" }
        let client = try RawHTTPClient(port: app.port)
        try await client.write(head + "\r\n")
        let chunked = framing.hasPrefix("Transfer-Encoding")
        var offset = 0
        while offset < body.count {
            let piece = Array(body[offset..<min(body.count, offset + 64 * 1024)])
            try await client.write(chunked ? ChunkFraming.chunk(piece) : piece)
            offset += piece.count
        }
        if chunked { try await client.write(ChunkFraming.last) }
        return try await client.readResponse(timeout: .seconds(60))
    }

    @Test(arguments: [true, false])
    func aLargeUploadReachesTheProviderIntact(declaringLength: Bool) async throws {
        try await withProvider { app, access, connectionID in
            let body = GeneratingUpstream.bytes(0..<Self.large)
            let framing = declaringLength ? "Content-Length: \(body.count)" : "Transfer-Encoding: chunked"
            let response = try await upload(app, access, connectionID, framing: framing, body: body)
            #expect(response.statusCode == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "\(body.count) \(Hex.encode(Digest.sha256(body)))")
            #expect(app.context.metrics.render().contains("proxy_bytes_total{direction=\"sent\"} \(body.count)"))
        }
    }

    @Test func anUploadOverTheProxyLimitIs413AndReachesNoProvider() async throws {
        try await withProvider(proxyMaxBodyBytes: 1024 * 1024) { app, access, connectionID in
            let body = [UInt8](repeating: 7, count: 1024 * 1024 + 1)
            let response = try await upload(app, access, connectionID, framing: "Content-Length: \(body.count)", body: body)
            #expect(response.statusCode == 413)
            #expect(String(decoding: response.body, as: UTF8.self).contains("413000"))
            #expect(!app.context.metrics.render().contains("proxy_requests_total{connector="))
        }
    }

    /// A body past what is kept for a resend went upstream as it came: the oauth2 retry with a renewed token is
    /// not made, and the provider's 401 is the answer; a body within it is sent again.
    @Test func onlyAKeptBodyIsSentAgainWithARenewedToken() async throws {
        let upstream = RecordingUpstream()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp(tokens: RenewingTokens()) { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base",
                    action: [AccessBodies.oauth2(expiresAt: Timestamp.now().adding(seconds: 3600))])
                let target = "/hubs/\(access.tenant.hubID)/users/ada/connections/\(connectionID)/proxy/needs-fresh-token"
                let kept = [UInt8](repeating: 1, count: ProxyRequestBody.replayableBytes)
                #expect(await app.send(.POST, target, headers: access.accessAuth, body: kept).status == 207)
                #expect(upstream.requests.map(\.body.count) == [kept.count, kept.count])
                let streamed = [UInt8](repeating: 2, count: ProxyRequestBody.replayableBytes + 1)
                #expect(await app.send(.POST, target, headers: access.accessAuth, body: streamed).status == 401)
                #expect(upstream.requests.count == 3 && upstream.last?.body == streamed)
            }
        }
    }

    /// A whole chunked body, decoded; throws when it does not end with the last chunk.
    static func dechunk(_ raw: [UInt8]) throws -> [UInt8] {
        var limits = ParserLimits()
        limits.maxBodyBytes = .max
        var decoder = ChunkedDecoder(limits: limits)
        var body: [UInt8] = []
        _ = try decoder.decode(raw, into: &body)
        guard decoder.isComplete else { throw Unfinished() }
        return body
    }
}

/// A provider whose `/base/download?bytes=N&framing=length|chunked[&dieAfter=M]` answer is generated as it is
/// sent (64 KiB at a time, a function of the offset), with or without a declared length; with `dieAfter` it fails
/// after M bytes.
final class GeneratingUpstream: Responder, Sendable {
    static func bytes(_ range: Range<Int>) -> [UInt8] { range.map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) } }

    struct Died: Error {}

    func respond(to request: Request) async -> Response {
        if request.method == .POST {
            return Response(status: .ok, body: Array("\(request.body.count) \(Hex.encode(Digest.sha256(request.body)))".utf8))
        }
        let total = Int(request.queryValue("bytes") ?? "") ?? 0
        let dieAfter = Int(request.queryValue("dieAfter") ?? "")
        let offset = Mutex(0)
        let stream = ResponseStream(
            length: request.queryValue("framing") == "length" ? total : nil,
            next: {
                let start = offset.withLock { $0 }
                if let dieAfter, start >= dieAfter { throw Died() }
                guard start < total else { return nil }
                let end = min(total, start + 64 * 1024)
                offset.withLock { $0 = end }
                return Self.bytes(start..<end)
            },
            abandon: {})
        return Response(status: .ok, headers: ["Content-Type": "application/octet-stream"], stream: stream)
    }
}
