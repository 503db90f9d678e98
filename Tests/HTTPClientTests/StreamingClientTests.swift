import HTTP1
import HTTPClient
import HTTPServer
import Synchronization
import Testing
import TestSupport

/// `HTTPClient.open` against a server of our own: the body comes in bounded pieces, the tenant's slot is held
/// until the body ends or is abandoned, and an upload goes out as it is produced, with a declared length or
/// chunked, and arrives whole.
@Suite(.serialized) struct StreamingClientTests {
    /// Answers `GET /bytes/N` with N bytes (a function of the offset), and any body sent with its length and the
    /// sum of its bytes.
    struct Upstream: Responder {
        /// A 64 KiB pattern repeated: cheap to make in a debug build, where the answer is made on the event loop.
        static let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        static func byte(_ offset: Int) -> UInt8 { block[offset % block.count] }

        func respond(to request: Request) async -> Response {
            if request.path.hasPrefix("/bytes/") {
                let count = Int(request.path.dropFirst(7)) ?? 0
                var body: [UInt8] = []
                body.reserveCapacity(count)
                while body.count < count { body += Self.block.prefix(count - body.count) }
                return Response(status: .ok, body: body)
            }
            let sum = request.body.reduce(0) { $0 &+ Int($1) }
            return Response(status: .ok, body: Array("\(request.body.count) \(sum)".utf8))
        }
    }

    static func client(perTenant: Int = 8) -> HTTPClient {
        var configuration = HTTPClientConfiguration(allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback)
        configuration.maxConcurrentRequestsPerTenant = perTenant
        return HTTPClient(configuration: configuration)
    }

    static var server: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.limits.maxBodyBytes = 16 * 1024 * 1024
        return configuration
    }

    @Test func theBodyArrivesInBoundedPiecesAndWhole() async throws {
        try await withRunningServer(configuration: Self.server, responder: Upstream()) { port in
            let count = 3 * 1024 * 1024 + 17
            let response = try await Self.client().open(OutboundRequest(method: .GET, url: "http://127.0.0.1:\(port)/bytes/\(count)"))
            #expect(response.status.code == 200 && response.contentLength == count)
            var received = 0
            var mismatch = false
            while let piece = try await response.body.next() {
                #expect(piece.count <= 64 * 1024)
                for (index, byte) in piece.enumerated() where byte != Upstream.byte(received + index) { mismatch = true }
                received += piece.count
            }
            #expect(received == count && !mismatch)
        }
    }

    @Test func theTenantSlotIsHeldUntilTheBodyIsAbandoned() async throws {
        try await withRunningServer(configuration: Self.server, responder: Upstream()) { port in
            let client = Self.client(perTenant: 1)
            let request = OutboundRequest(method: .GET, url: "http://127.0.0.1:\(port)/bytes/\(8 * 1024 * 1024)", tenant: "org")
            let first = try await client.open(request)
            await #expect(throws: HTTPClientError.tenantConcurrencyLimit) { _ = try await client.open(request) }
            first.body.abandon()
            // The thread notices within one wait (at most 100 ms) and returns the slot.
            var second: OutboundStreamingResponse?
            for _ in 0..<50 where second == nil {
                second = try? await client.open(request)
                if second == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(second?.status.code == 200)
            second?.body.abandon()
        }
    }

    @Test(arguments: [true, false])
    func anUploadArrivesWhole(declaringLength: Bool) async throws {
        try await withRunningServer(configuration: Self.server, responder: Upstream()) { port in
            let pieces = (0..<16).map { index in (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &+ index) } }
            let total = pieces.reduce(0) { $0 + $1.count }
            let sum = pieces.joined().reduce(0) { $0 &+ Int($1) }
            let upload = OutboundUpload(length: declaringLength ? total : nil)
            let writer = Task {
                for piece in pieces { guard await upload.write(piece) else { return } }
                await upload.finish()
            }
            let response = try await Self.client().open(
                OutboundRequest(method: .POST, url: "http://127.0.0.1:\(port)/sink"), upload: upload)
            await writer.value
            var body: [UInt8] = []
            while let piece = try await response.body.next() { body += piece }
            #expect(response.status.code == 200)
            #expect(String(decoding: body, as: UTF8.self) == "\(total) \(sum)")
        }
    }
}
