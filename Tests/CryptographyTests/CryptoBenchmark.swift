import Foundation
import Testing
@testable import Cryptography

/// Throughput on one core; run with bench/crypto/run.sh (release build). Skipped unless BENCH_CRYPTO=1.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BENCH_CRYPTO"] == "1"))
struct CryptoBenchmark {
    static let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 2

    @Test func sealAndOpenA64ByteSecret() throws {
        let ring = try KeyRing(parsing: KeyRing.generateKeySpecification(version: "v1"))
        let secret = SecureRandom.bytes(count: 64)
        let aad = bytes("credential/01JDZ8Q4V7S9W2X3Y4Z5A6B7C8/data.value")
        let sealed = try ring.seal(secret, associatedData: aad)
        let sealRate = try measure { try ring.seal(secret, associatedData: aad).count }
        let openRate = try measure { try ring.open(sealed, associatedData: aad).count }
        report("seal 64 B (AES-256-GCM)", sealRate)
        report("open 64 B (AES-256-GCM)", openRate)
    }

    @Test func rs256SignAndVerify() throws {
        let message = SecureRandom.bytes(count: 300)  // about the size of a JWT signing input
        let signature = try RSAKeys.signRS256(message: message, privateKeyPEM: Fixtures.rsaPrivateKeyPEM)
        let signRate = try measure { try RSAKeys.signRS256(message: message, privateKeyPEM: Fixtures.rsaPrivateKeyPEM).count }
        let verifyRate = try measure {
            RSAKeys.verifyRS256(message: message, signature: signature, publicKeyPEM: Fixtures.rsaPublicKeyPEM) ? 1 : 0
        }
        let parsedKey = try RSAPublicKey(pem: Fixtures.rsaPublicKeyPEM)
        let parsedVerifyRate = try measure { parsedKey.verify(message: message, signature: signature, algorithm: .rs256) ? 1 : 0 }
        #expect(parsedKey.verify(message: message, signature: signature, algorithm: .rs256))
        report("RS256 sign, 2048-bit key parsed from PEM each call", signRate)
        report("RS256 verify, key parsed from PEM each call", verifyRate)
        report("RS256 verify with a parsed RSAPublicKey", parsedVerifyRate)
    }

    @Test func hmacSHA256() throws {
        let key = SecureRandom.bytes(count: 32), data = SecureRandom.bytes(count: 64)
        report("HMAC-SHA256 64 B", try measure { Digest.hmacSHA256(key: key, data: data).count })
    }

    /// Operations per second of `operation` over `seconds`, checked in batches to keep clock reads off the hot path.
    private func measure(_ operation: () throws -> Int) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var operations = 0, checksum = 0
        while clock.now - start < .seconds(Self.seconds) {
            for _ in 0..<64 { checksum &+= try operation() }
            operations += 64
        }
        #expect(checksum != 0)  // uses the results, so the optimiser keeps the work
        let elapsed = clock.now - start
        return Double(operations) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    private func report(_ name: String, _ rate: Double) {
        print("CryptoBenchmark: \(name): \(Int(rate.rounded())) ops/s (\(String(format: "%.2f", 1e6 / rate)) µs/op)")
    }
}
