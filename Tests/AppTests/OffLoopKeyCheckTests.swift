@testable import App
import Cryptography
import Domain
import Foundation
import HTTP1
import HTTPServer
import JSON
import Postgres
import Synchronization
import TestSupport
import Testing

/// A request whose body holds an RSA key has it checked off the event loop: with one loop, a /healthz sent while
/// the check is held still gets its answer. Ordered, not timed: the check does not finish until the test has
/// /healthz's answer (or gives up waiting for it).
@Suite(.enabled(if: ConnectionsApp.isAvailable))
struct OffLoopKeyCheckTests {
    @Test func anRSAKeyCheckDoesNotStallTheOtherRequestsOfItsLoop() async throws {
        let gate = KeyCheckGate()
        var (context, logs) = try await ConnectionsApp.makeContext(
            credentialKeys: KeyRing.generateKeySpecification(version: "offloop1"))
        context.keyMaterial = GatedKeyMaterial(gate: gate)
        defer { context.database.shutdown() }
        var server = ServerConfiguration()
        server.eventLoopThreads = 1
        try await withRunningServer(configuration: server, responder: Application.makeResponder(context: context)) { port in
            let app = ConnectionsApp(context: context, port: port, logs: logs)
            let tenant = try await app.makeTenant()
            async let created = app.request(
                .POST, "/hubs/\(tenant.hubID)/users/nobody/connections", auth: tenant.auth,
                json: BenchmarkBodies.createConnection(.jwtBearer))
            #expect(await gate.waitUntilHeld(), "the key check never started")
            let health = await Self.healthz(port: port)
            gate.release()
            #expect(health == 200, "/healthz was not answered while the key check ran")
            #expect(gate.ranOnALoop == false)
            // The check passed; the user does not exist, which is found after decoding.
            #expect(await created.errorCode == "404002")
        }
    }

    /// /healthz's status on a fresh connection, or 0 when no answer came within 10 s.
    private static func healthz(port: Int) async -> Int {
        do {
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return try await client.readResponse(timeout: .seconds(10)).statusCode
        } catch {
            return 0
        }
    }
}

/// Holds the key check until released (or for at most 30 s), noting whether it ran on an event loop's thread.
private final class KeyCheckGate: Sendable {
    private let held = Atomic<Bool>(false)
    private let onLoop = Atomic<Bool>(false)
    private let released = DispatchSemaphore(value: 0)

    var ranOnALoop: Bool { onLoop.load(ordering: .sequentiallyConsistent) }

    func hold() {
        onLoop.store(EventLoopSocketWatch.currentLoopID != nil, ordering: .sequentiallyConsistent)
        held.store(true, ordering: .sequentiallyConsistent)
        _ = released.wait(timeout: .now() + 30)
    }

    func release() { released.signal() }

    func waitUntilHeld() async -> Bool {
        for _ in 0..<1000 where !held.load(ordering: .sequentiallyConsistent) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return held.load(ordering: .sequentiallyConsistent)
    }
}

/// The server's own checks, each held at `gate` first.
private struct GatedKeyMaterial: KeyMaterialChecking {
    let gate: KeyCheckGate
    let real = OpenSSLKeyMaterial()

    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? {
        gate.hold()
        return real.certificateProblem(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, caPEM: caPEM)
    }

    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? {
        gate.hold()
        return real.rsaPrivateKeyProblem(bytes)
    }
}
