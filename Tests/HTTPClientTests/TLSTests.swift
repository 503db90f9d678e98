import Foundation
import Glibc
import HTTP1
import HTTPClient
import Testing

/// Real TLS against `openssl s_server` with throw-away self-signed certificates; skipped without the CLI.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")), .serialized)
struct TLSTests {
    /// A self-signed certificate for `names` (SAN entries such as `DNS:localhost,IP:127.0.0.1`) and its key.
    static func certificate(_ names: String, in directory: URL) throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                     "-days", "1", "-subj", "/CN=test", "-addext", "subjectAltName=\(names)",
                                     "-keyout", key, "-out", cert])
        return (cert, key)
    }

    /// Runs a command to completion, its output discarded.
    static func run(_ path: String, _ arguments: [String]) throws {
        var status: Int32 = 0
        guard waitpid(try ChildProcess.spawn(path, arguments), &status, 0) > 0, status == 0 else { throw POSIXError(.EIO) }
    }

    /// Runs `openssl s_server -www` for the duration of `body`, handing it the port and the certificate path.
    static func withServer(names: String, _ body: (Int, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try certificate(names, in: directory)
        let port = try ScriptedServer(.respond([])).stoppedPort()
        let server = try ChildProcess.spawn(
            "/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"])
        defer {
            kill(server, SIGKILL)
            waitpid(server, nil, 0)
        }
        try await waitUntilListening(port)
        try await body(port, cert)
    }

    static func waitUntilListening(_ port: Int) async throws {
        let probe = HTTPClient(configuration: HTTPClientConfiguration(
            allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback, timeout: .milliseconds(200)))
        for _ in 0..<50 {
            do {
                _ = try await probe.send(OutboundRequest(method: .GET, url: "http://127.0.0.1:\(port)/"))
                return
            } catch .connectionFailed {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return  // something is listening (it does not speak plain HTTP)
            }
        }
        throw POSIXError(.ETIMEDOUT)
    }

    static func client(trusting cert: String?) -> HTTPClient {
        var configuration = HTTPClientConfiguration(
            allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback, timeout: .seconds(5))
        configuration.additionalTrustedCAFile = cert
        return HTTPClient(configuration: configuration)
    }

    @Test func verifiesTheCertificateByNameAndByAddress() async throws {
        try await Self.withServer(names: "DNS:localhost,IP:127.0.0.1") { port, cert in
            for host in ["localhost", "127.0.0.1"] {
                let response = try await Self.client(trusting: cert).send(OutboundRequest(method: .GET, url: "https://\(host):\(port)/"))
                #expect(response.status.code == 200)
            }
        }
    }

    @Test func refusesAnUntrustedCertificate() async throws {
        try await Self.withServer(names: "DNS:localhost") { port, _ in
            await #expect(throws: HTTPClientError.tlsFailed("certificate verification failed: self-signed certificate")) {
                try await Self.client(trusting: nil).send(OutboundRequest(method: .GET, url: "https://localhost:\(port)/"))
            }
        }
    }

    @Test func refusesACertificateForAnotherHost() async throws {
        try await Self.withServer(names: "DNS:other.example") { port, cert in
            await #expect(throws: HTTPClientError.tlsFailed("certificate verification failed: hostname mismatch")) {
                try await Self.client(trusting: cert).send(OutboundRequest(method: .GET, url: "https://localhost:\(port)/"))
            }
            await #expect(throws: HTTPClientError.tlsFailed("certificate verification failed: IP address mismatch")) {
                try await Self.client(trusting: cert).send(OutboundRequest(method: .GET, url: "https://127.0.0.1:\(port)/"))
            }
        }
    }
}

/// posix_spawn rather than Foundation's Process, whose terminate + waitUntilExit hangs under the test runner.
enum ChildProcess {
    static func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw POSIXError(.ENOEXEC) }
        return pid
    }
}

extension ScriptedServer {
    /// A port that was free a moment ago (for a server started by another process).
    func stoppedPort() -> Int {
        stop()
        return port
    }
}
