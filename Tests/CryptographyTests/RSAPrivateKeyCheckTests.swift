import COpenSSL
import Testing
@testable import Cryptography

struct RSAPrivateKeyCheckTests {
    typealias Problem = KeyMaterial.RSAKeyProblem

    @Test func usableRSAPrivateKeys() {
        for key in [
            bytes(Fixtures.rsaPrivateKeyPEM), bytes(Fixtures.rsaPKCS1PrivateKeyPEM), der(Fixtures.rsaPrivateKeyDERBase64),
            der(RSAKeyFixtures.rsa4096DERBase64),
        ] {
            #expect(KeyMaterial.rsaPrivateKeyProblem(key) == nil)
            #expect(KeyMaterial.isUsableRSAPrivateKey(key))
        }
    }

    struct RefusedKey: CustomTestStringConvertible, Sendable {
        let name: String, base64: String, problem: Problem
        var testDescription: String { name }
    }

    @Test(arguments: [
        RefusedKey(name: "RSA-1024", base64: RSAKeyFixtures.rsa1024DERBase64, problem: .unsupportedSize(bits: 1024)),
        RefusedKey(name: "RSA-4160", base64: RSAKeyFixtures.rsa4160DERBase64, problem: .unsupportedSize(bits: 4160)),
        RefusedKey(name: "d + 2", base64: RSAKeyFixtures.corruptedPrivateExponentDERBase64, problem: .inconsistent),
        RefusedKey(name: "n of another key", base64: RSAKeyFixtures.modulusOfAnotherKeyDERBase64, problem: .inconsistent),
        RefusedKey(name: "three primes", base64: RSAKeyFixtures.threePrimeDERBase64, problem: .inconsistent),
    ])
    func refusedRSAKeys(_ key: RefusedKey) {
        #expect(KeyMaterial.rsaPrivateKeyProblem(der(key.base64)) == key.problem)
        #expect(!KeyMaterial.isUsableRSAPrivateKey(der(key.base64)))
        #expect(ERR_peek_error() == 0)
    }

    /// The corrupted-d fixture is refused by the arithmetic, not by the test signature: OpenSSL signs it correctly.
    @Test func corruptedPrivateExponentStillSigns() throws {
        let key = der(RSAKeyFixtures.corruptedPrivateExponentDERBase64)
        let publicKey = try RSAPublicKey(pem: #require(RSAKeys.publicKeyPEM(ofPrivateKey: key)))
        let message = bytes("message")
        let signature = try RSAKeys.sign(message: message, privateKey: key, algorithm: .rs256)
        #expect(publicKey.verify(message: message, signature: signature, algorithm: .rs256))
    }

    @Test func otherKindsOfKeyAreNotRSA() {
        for key in [Fixtures.certificateKeyPEM, Fixtures.ed25519PrivateKeyPEM] {
            #expect(KeyMaterial.rsaPrivateKeyProblem(bytes(key)) == .notRSA)
        }
    }

    @Test func unreadableKeys() {
        let key = der(Fixtures.rsaPrivateKeyDERBase64)
        for candidate in [
            bytes(Fixtures.encryptedCertificateKeyPEM), bytes(Fixtures.rsaPublicKeyPEM), bytes(Fixtures.certificatePEM),
            bytes("garbage"), [], key + [0], Array(key.dropLast()),
        ] {
            #expect(KeyMaterial.rsaPrivateKeyProblem(candidate) == .unreadable)
        }
        #expect(ERR_peek_error() == 0)
    }

    /// Any single flipped bit in the key's numbers must be caught, whichever part it hits (see offsets from
    /// `openssl asn1parse` on the PKCS#1 DER: n at 11, e 270, d 277, p 536, q 668, dP 800, dQ 931, qInv 1062).
    @Test(arguments: [100, 272, 400, 600, 700, 850, 1000, 1100])
    func aFlippedBitInAnyPartIsCaught(offset: Int) {
        var key = der(Fixtures.rsaPrivateKeyDERBase64)
        key[offset] ^= 0x01
        #expect(KeyMaterial.rsaPrivateKeyProblem(key) == .inconsistent)
    }

    private func der(_ base64: String) -> [UInt8] { Base64.decode(base64)! }
}
