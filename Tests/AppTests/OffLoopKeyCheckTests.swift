@testable import App
import Cryptography
import Domain
import Foundation
import Glibc
import HTTP1
import HTTPServer
import JSON
import Postgres
import Synchronization
import TestSupport
import Testing

/// A request whose body holds an RSA key has it checked off the event loop: with one loop, the check itself
/// asks the server for /healthz and waits for the answer before it goes on. Ordered, not timed: on the loop's
/// thread the check would wait for an answer only that thread can give (and give up after 10 s). The probe
/// blocks the thread it runs on rather than suspending, as a long check does, and without holding any other
/// thread of the test process.
@Suite(.enabled(if: ConnectionsApp.isAvailable))
struct OffLoopKeyCheckTests {
    @Test func anRSAKeyCheckDoesNotStallTheOtherRequestsOfItsLoop() async throws {
        let probe = HealthProbe()
        var (context, logs) = try await ConnectionsApp.makeContext(
            credentialKeys: KeyRing.generateKeySpecification(version: "offloop1"))
        context.keyMaterial = ProbingKeyMaterial(probe: probe)
        defer { context.database.shutdown() }
        var server = ServerConfiguration()
        server.eventLoopThreads = 1
        try await withRunningServer(configuration: server, responder: Application.makeResponder(context: context)) { port in
            probe.port.store(port, ordering: .sequentiallyConsistent)
            let app = ConnectionsApp(context: context, port: port, logs: logs)
            let tenant = try await app.makeTenant()
            let created = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users/nobody/connections", auth: tenant.auth,
                json: BenchmarkBodies.createConnection(.jwtBearer))
            // The check passed; the user does not exist, which is found after decoding.
            #expect(created.errorCode == "404002", "\(created.text)")
            #expect(probe.outcomes == [.answered(offLoop: true)], "/healthz was not answered while the key check ran")
        }
    }
}

/// Fetches /healthz from the server under test, blocking the calling thread, and notes how that went.
private final class HealthProbe: Sendable {
    enum Outcome: Equatable { case answered(offLoop: Bool), unanswered }

    let port = Atomic<Int>(0)
    private let recorded = Mutex<[Outcome]>([])

    var outcomes: [Outcome] { recorded.withLock { $0 } }

    func run() {
        let offLoop = EventLoopSocketWatch.currentLoopID == nil
        let answered = Self.fetchHealthz(port: port.load(ordering: .sequentiallyConsistent))
        recorded.withLock { $0.append(answered ? .answered(offLoop: offLoop) : .unanswered) }
    }

    /// True when an HTTP 200 arrives within 10 s.
    private static func fetchHealthz(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard connected == 0, send(fd, request, request.count, 0) == request.count else { return false }
        var answer = [UInt8](repeating: 0, count: 512)
        let count = recv(fd, &answer, answer.count, 0)
        return count > 0 && String(decoding: answer[0..<count], as: UTF8.self).hasPrefix("HTTP/1.1 200")
    }
}

/// The server's own checks, each running the probe first.
private struct ProbingKeyMaterial: KeyMaterialChecking {
    let probe: HealthProbe
    let real = OpenSSLKeyMaterial()

    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? {
        probe.run()
        return real.certificateProblem(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, caPEM: caPEM)
    }

    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? {
        probe.run()
        return real.rsaPrivateKeyProblem(bytes)
    }
}
