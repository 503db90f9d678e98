@testable import App
import Cryptography
import Domain
import Foundation
import HTTP1
import HTTPServer
import JSON
import Logging
import Postgres
import Testing

/// Single-core CPU cost of validating one new credential of each type the way CreateEndUserConnection does it:
/// the request body's bytes parsed (`jsonObjectBody`), then decoded and validated into the credential that is
/// sealed and stored (`CreateEndUserConnectionRequest.decode`, with the server's OpenSSL key checks). Run with
/// bench/validation/run.sh (release build); skipped unless BENCH_VALIDATION=1.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BENCH_VALIDATION"] == "1"))
struct CredentialValidationBenchmark {
    static let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 2
    /// `BENCH_TYPES=certificate,jwt-bearer` narrows the run, e.g. for a profile; default every type.
    static let types = ProcessInfo.processInfo.environment["BENCH_TYPES"].map {
        $0.split(separator: ",").compactMap { CredentialType(rawValue: String($0)) }
    } ?? CredentialType.allCases

    @Test func createConnectionBodyPerCredentialType() throws {
        let configuration = AppConfiguration(
            databaseURL: "postgresql:///unused?host=/nonexistent",  // the pool connects lazily: never here
            credentialKeys: KeyRing.generateKeySpecification(version: "bench"))
        let context = try Application.makeContext(configuration: configuration, logger: Logger(label: "bench"))
        defer { context.database.shutdown() }
        for type in Self.types {
            let request = Request(
                method: .POST, target: "/hubs/h/users/u/connections", headers: ["Content-Type": "application/json"],
                body: BenchmarkBodies.createConnection(type).serialized())
            let decode = { () throws -> ConnectionCreate in
                let json = JSONValue.object(try request.jsonObjectBody())
                return try APIError.decoding { () throws(ValidationFailure) in
                    try CreateEndUserConnectionRequest.decode(json, keyMaterial: context.keyMaterial).connection
                }
            }
            #expect(try Self.newCredentialType(decode()) == type)  // valid, so the full path is timed
            let rate = try Self.measure { try decode().action.count }
            let parseRate = try Self.measure { try request.jsonObjectBody().count > 0 ? 1 : 0 }
            Self.report("\(type.rawValue) (\(request.body.count) B body)", rate, parseRate: parseRate)
        }
    }

    /// The OpenSSL checks alone, to show how much of the certificate and jwt-bearer figures they are.
    @Test func openSSLKeyChecksAlone() throws {
        let keyMaterial = OpenSSLKeyMaterial()
        let material = BenchmarkKeyMaterial.self
        let certificateCheck = {
            keyMaterial.certificateProblem(
                certificatePEM: material.clientCertificatePEM, privateKeyPEM: material.clientKeyPEM,
                caPEM: material.caPEM) == nil ? 1 : 0
        }
        #expect(certificateCheck() == 1)
        let certificateRate = try Self.measure(certificateCheck)
        Self.report("certificate OpenSSL check alone (parse certificate, key, CA; match key)", certificateRate)
        let der = try #require(Base64.decode(BenchmarkKeyMaterial.clientKeyDERBase64))
        #expect(keyMaterial.isUsableRSAPrivateKey(der))
        Self.report("jwt-bearer OpenSSL check alone (parse RSA-2048 key, check its arithmetic, RS256 sign + verify)", try Self.measure {
            keyMaterial.isUsableRSAPrivateKey(der) ? 1 : 0
        })
    }

    private static func newCredentialType(_ connection: ConnectionCreate) -> CredentialType? {
        guard case .new(let credential)? = connection.action.first?.credential else { return nil }
        return credential.type
    }

    /// Operations per CPU-second of `operation`, run for `seconds` of this thread's CPU time: the machine is
    /// shared, and time spent descheduled is not the operation's cost. Batches keep clock reads off the hot path.
    private static func measure(_ operation: () throws -> Int) throws -> Double {
        let start = threadCPUSeconds()
        var operations = 0, checksum = 0
        while threadCPUSeconds() - start < seconds {
            for _ in 0..<16 { checksum &+= try operation() }
            operations += 16
        }
        #expect(checksum == operations)  // every operation succeeded, and using the results keeps the work
        return Double(operations) / (threadCPUSeconds() - start)
    }

    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private static func report(_ name: String, _ rate: Double, parseRate: Double? = nil) {
        let parse = parseRate.map { "; JSON parse alone " + microseconds($0) + " µs" } ?? ""
        let rounded = Int(rate.rounded())
        print("ValidationBenchmark: \(name): \(rounded) per CPU-second (\(microseconds(rate)) µs each)\(parse)")
    }

    private static func microseconds(_ rate: Double) -> String { String(format: "%.2f", 1e6 / rate)
    }
}
