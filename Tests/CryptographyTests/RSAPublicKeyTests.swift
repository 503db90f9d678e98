import COpenSSL
import Testing
@testable import Cryptography

struct RSAPublicKeyTests {
    let message = bytes(Fixtures.knownAnswerMessage)
    let signature = Base64.decode(Fixtures.knownAnswerSignatureBase64)!

    @Test func verifiesTheKnownAnswerVectorAndRejectsTampering() throws {
        let key = try RSAPublicKey(pem: Fixtures.rsaPublicKeyPEM)
        #expect(key.bits == 2048)
        #expect(key.description == "RSAPublicKey(bits: 2048)")
        #expect(key.verify(message: message, signature: signature, algorithm: .rs256))
        #expect(!key.verify(message: message + [0], signature: signature, algorithm: .rs256))
        #expect(!key.verify(message: message, signature: signature, algorithm: .rs384))
        #expect(ERR_peek_error() == 0)
    }

    @Test(arguments: [
        (Fixtures.certificatePublicKeyPEM, CryptoError.invalidKey("not an RSA public key")),
        (Fixtures.rsaPrivateKeyPEM, .invalidKey("not a readable public key")),
        (Fixtures.certificatePEM, .invalidKey("not a readable public key")),
        ("", .invalidKey("not a readable public key")),
    ])
    func rejectsKeysThatAreNotRSAPublicKeys(pem: String, expected: CryptoError) {
        #expect(cryptoError { () throws(CryptoError) in try RSAPublicKey(pem: pem) } == expected)
        #expect(ERR_peek_error() == 0)
    }

    @Test func oneKeyVerifiesConcurrently() async throws {
        let key = try RSAPublicKey(pem: Fixtures.rsaPublicKeyPEM)
        let message = self.message, signature = self.signature
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<50).allSatisfy { _ in key.verify(message: message, signature: signature, algorithm: .rs256) }
                }
            }
            for await verified in group { #expect(verified) }
        }
    }
}
