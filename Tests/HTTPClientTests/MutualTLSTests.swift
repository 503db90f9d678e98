import Foundation
import Glibc
import HTTP1
import HTTPClient
import Testing

/// Client certificates (the proxy's certificate scheme) against `openssl s_server -Verify`, which refuses a
/// handshake without a certificate its CA signed and prints the one it got; skipped without the CLI.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")), .serialized)
struct MutualTLSTests {
    /// A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it.
    struct Authority {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

        init(in directory: URL) throws {
            self.directory = directory
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
            try TLSTests.run("/usr/bin/openssl", ["req", "-x509"] + ec + ["-days", "1", "-subj", "/CN=test ca",
                                                                          "-keyout", path("ca.key"), "-out", path("ca.pem")])
            try "subjectAltName=IP:127.0.0.1".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
            for (name, subject, extensions) in [("server", "/CN=server", ["-extfile", path("san.ext")]),
                                                ("client", "/CN=proxy client", [])] {
                try TLSTests.run("/usr/bin/openssl", ["req"] + ec + ["-subj", subject, "-keyout", path("\(name).key"),
                                                                     "-out", path("\(name).csr")])
                try TLSTests.run("/usr/bin/openssl", ["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"),
                                                      "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "1",
                                                      "-out", path("\(name).pem")] + extensions)
            }
        }

        func identity() throws -> ClientCertificate {
            ClientCertificate(certificatePEM: try text("client.pem"), privateKeyPEM: try text("client.key"), trustedCAPEM: try text("ca.pem"))
        }
    }

    static func withServer(_ body: (Int, Authority) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let authority = try Authority(in: directory)
        let port = try ScriptedServer(.respond([])).stoppedPort()
        let server = try ChildProcess.spawn("/usr/bin/openssl", [
            "s_server", "-accept", "127.0.0.1:\(port)", "-cert", authority.path("server.pem"), "-key", authority.path("server.key"),
            "-CAfile", authority.path("ca.pem"), "-Verify", "1", "-www", "-quiet",
        ])
        defer {
            kill(server, SIGKILL)
            waitpid(server, nil, 0)
        }
        try await TLSTests.waitUntilListening(port)
        try await body(port, authority)
    }

    private static func request(_ port: Int, _ identity: ClientCertificate?) -> OutboundRequest {
        var request = OutboundRequest(method: .GET, url: "https://127.0.0.1:\(port)/")
        request.clientCertificate = identity
        return request
    }

    @Test func presentsTheCertificateAndTrustsTheIdentitysCA() async throws {
        try await Self.withServer { port, authority in
            // No extra CA file: the server's certificate verifies only through the identity's own CA.
            let response = try await TLSTests.client(trusting: nil).send(Self.request(port, try authority.identity()))
            #expect(response.status.code == 200)
            let page = String(decoding: response.body, as: UTF8.self)
            #expect(page.contains("Client certificate"))
            #expect(page.contains("CN=proxy client") || page.contains("CN = proxy client"))
        }
    }

    @Test func withoutACertificateTheServerRefusesTheHandshake() async throws {
        try await Self.withServer { port, authority in
            await #expect(throws: HTTPClientError.self) {
                try await TLSTests.client(trusting: authority.path("ca.pem")).send(Self.request(port, nil))
            }
        }
    }

    @Test func refusesAKeyThatIsNotTheCertificatesAndPlainHTTP() async throws {
        try await Self.withServer { port, authority in
            var mismatched = try authority.identity()
            mismatched.privateKeyPEM = try authority.text("server.key")
            await #expect(throws: HTTPClientError.tlsFailed("the client key does not match its certificate")) {
                try await TLSTests.client(trusting: nil).send(Self.request(port, mismatched))
            }
            var plain = Self.request(port, try authority.identity())
            plain.url = "http://127.0.0.1:\(port)/"
            await #expect(throws: HTTPClientError.invalidRequest("a client certificate needs an https URL")) {
                try await TLSTests.client(trusting: nil).send(plain)
            }
        }
    }
}
