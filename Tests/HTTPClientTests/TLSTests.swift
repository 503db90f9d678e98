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

    static func run(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }

    /// Runs `openssl s_server -www` for the duration of `body`, handing it the port and the certificate path.
    static func withServer(names: String, _ body: (Int, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try certificate(names, in: directory)
        let port = try ScriptedServer(.respond([])).stoppedPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }  // Process.terminate + waitUntilExit can hang here
        try await waitUntilListening(port)
        try await body(port, cert)
    }

    static func waitUntilListening(_ port: Int) async throws {
        let probe = HTTPClient(configuration: HTTPClientConfiguration(allowPrivateNetworks: true, timeout: .milliseconds(200)))
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
        var configuration = HTTPClientConfiguration(allowPrivateNetworks: true, timeout: .seconds(5))
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

extension ScriptedServer {
    /// A port that was free a moment ago (for a server started by another process).
    func stoppedPort() -> Int {
        stop()
        return port
    }
}
