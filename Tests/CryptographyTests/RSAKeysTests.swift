import COpenSSL
import Testing
@testable import Cryptography

struct RSAKeysTests {
    let message = bytes(Fixtures.knownAnswerMessage)
    let knownSignature = Base64.decode(Fixtures.knownAnswerSignatureBase64)!

    @Test func signsTheKnownAnswerVector() throws {
        #expect(knownSignature.count == 256)
        #expect(try RSAKeys.signRS256(message: message, privateKeyPEM: Fixtures.rsaPrivateKeyPEM) == knownSignature)
        #expect(RSAKeys.verifyRS256(message: message, signature: knownSignature, publicKeyPEM: Fixtures.rsaPublicKeyPEM))
    }

    @Test func acceptsPKCS1PEMAndDERPrivateKeys() throws {
        let der = Base64.decode(Fixtures.rsaPrivateKeyDERBase64)!
        #expect(try RSAKeys.signRS256(message: message, privateKeyPEM: Fixtures.rsaPKCS1PrivateKeyPEM) == knownSignature)
        #expect(try RSAKeys.sign(message: message, privateKey: der, algorithm: .rs256) == knownSignature)
    }

    @Test func rejectsTamperedMessageOrSignature() {
        let publicKey = Fixtures.rsaPublicKeyPEM
        #expect(!RSAKeys.verifyRS256(message: message + [0], signature: knownSignature, publicKeyPEM: publicKey))
        #expect(!RSAKeys.verifyRS256(message: [], signature: knownSignature, publicKeyPEM: publicKey))
        for index in [0, 100, 255] {
            var tampered = knownSignature
            tampered[index] ^= 0x80
            #expect(!RSAKeys.verifyRS256(message: message, signature: tampered, publicKeyPEM: publicKey))
        }
        #expect(!RSAKeys.verifyRS256(message: message, signature: Array(knownSignature.dropLast()), publicKeyPEM: publicKey))
        #expect(!RSAKeys.verifyRS256(message: message, signature: [], publicKeyPEM: publicKey))
        #expect(ERR_peek_error() == 0, "failure paths leave OpenSSL's error queue empty")
    }

    @Test func rejectsWrongOrUnreadablePublicKeys() throws {
        let other = try RSAKeys.generate()
        #expect(!RSAKeys.verifyRS256(message: message, signature: knownSignature, publicKeyPEM: other.publicKeyPEM))
        for garbage in ["", "not a key", Fixtures.rsaPrivateKeyPEM, Fixtures.certificatePEM] {
            #expect(!RSAKeys.verifyRS256(message: message, signature: knownSignature, publicKeyPEM: garbage))
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test func generatesPKCS8AndSPKIKeysThatSignAndVerify() throws {
        let pair = try RSAKeys.generate(bits: 2048)
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pair.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(KeyMaterial.isUsableRSAPrivateKey(bytes(pair.privateKeyPEM)))
        #expect(RSAKeys.publicKeyPEM(ofPrivateKey: bytes(pair.privateKeyPEM)) == pair.publicKeyPEM)
        for algorithm in RSAKeys.SignatureAlgorithm.allCases {
            let signature = try RSAKeys.sign(message: message, privateKey: bytes(pair.privateKeyPEM), algorithm: algorithm)
            #expect(signature.count == 256)
            #expect(RSAKeys.verify(message: message, signature: signature, publicKeyPEM: pair.publicKeyPEM, algorithm: algorithm))
        }
        #expect(ERR_peek_error() == 0)
    }

    @Test func algorithmsAreNotInterchangeable() throws {
        let rs384 = try RSAKeys.signRS384(message: message, privateKeyPEM: Fixtures.rsaPrivateKeyPEM)
        let rs512 = try RSAKeys.signRS512(message: message, privateKeyPEM: Fixtures.rsaPrivateKeyPEM)
        let publicKey = Fixtures.rsaPublicKeyPEM
        #expect(RSAKeys.verify(message: message, signature: rs384, publicKeyPEM: publicKey, algorithm: .rs384))
        #expect(RSAKeys.verify(message: message, signature: rs512, publicKeyPEM: publicKey, algorithm: .rs512))
        #expect(!RSAKeys.verify(message: message, signature: rs384, publicKeyPEM: publicKey, algorithm: .rs256))
        #expect(!RSAKeys.verify(message: message, signature: knownSignature, publicKeyPEM: publicKey, algorithm: .rs512))
        #expect(RSAKeys.SignatureAlgorithm(rawValue: "RS384") == .rs384)
    }

    @Test func refusesKeySizesOutsideTheRange() {
        #expect(cryptoError { () throws(CryptoError) in try RSAKeys.generate(bits: 1024) } == .invalidKey("RSA key size must be 2048 to 16384 bits"))
        #expect(cryptoError { () throws(CryptoError) in try RSAKeys.generate(bits: 0) } != nil)
    }

    @Test(arguments: [
        (Fixtures.certificateKeyPEM, CryptoError.invalidKey("not an RSA private key")),
        (Fixtures.ed25519PrivateKeyPEM, .invalidKey("not an RSA private key")),
        (Fixtures.encryptedCertificateKeyPEM, .invalidKey("not a readable private key")),
        (Fixtures.rsaPublicKeyPEM, .invalidKey("not a readable private key")),
        ("garbage", .invalidKey("not a readable private key")),
        ("", .invalidKey("not a readable private key")),
    ])
    func signingRefusesKeysThatAreNotPlainRSA(pem: String, expected: CryptoError) {
        #expect(cryptoError { () throws(CryptoError) in try RSAKeys.signRS256(message: message, privateKeyPEM: pem) } == expected)
        #expect(ERR_peek_error() == 0)
    }

    @Test func publicKeyOfNonRSAKeyIsNil() {
        #expect(RSAKeys.publicKeyPEM(ofPrivateKey: bytes(Fixtures.certificateKeyPEM)) == nil)
        #expect(RSAKeys.publicKeyPEM(ofPrivateKey: bytes(Fixtures.rsaPrivateKeyPEM)) == Fixtures.rsaPublicKeyPEM + "\n")
    }
}
