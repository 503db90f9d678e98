import COpenSSL
import Testing
@testable import Cryptography

struct KeyMaterialTests {
    static let corruptCertificate = "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n"

    @Test func acceptsAMatchingSelfSignedBundle() {
        #expect(check(ca: Fixtures.certificatePEM) == nil)
        #expect(check(ca: Fixtures.secondCAPEM + "\n" + Fixtures.certificatePEM) == nil)
    }

    @Test func rejectsAKeyOfAnotherCertificate() {
        #expect(check(key: Fixtures.rsaPrivateKeyPEM) == .keyDoesNotMatchCertificate)
        #expect(check(certificate: Fixtures.secondCAPEM) == .keyDoesNotMatchCertificate)
    }

    @Test(arguments: ["", "garbage", corruptCertificate, Fixtures.certificateKeyPEM, Fixtures.rsaPublicKeyPEM])
    func rejectsAnUnreadableCertificate(pem: String) {
        #expect(check(certificate: pem) == .invalidCertificate)
        #expect(ERR_peek_error() == 0)
    }

    /// The encrypted key must fail rather than prompt for a password.
    @Test(arguments: ["", "garbage", Fixtures.encryptedCertificateKeyPEM, Fixtures.certificatePEM, Fixtures.rsaPublicKeyPEM])
    func rejectsAnUnreadablePrivateKey(pem: String) {
        #expect(check(key: pem) == .invalidPrivateKey)
        #expect(ERR_peek_error() == 0)
    }

    @Test(arguments: [
        "", "garbage", corruptCertificate, Fixtures.certificatePEM + corruptCertificate, Fixtures.certificateKeyPEM,
    ])
    func rejectsACABundleWithoutValidCertificates(pem: String) {
        #expect(check(ca: pem) == .invalidCA)
        #expect(ERR_peek_error() == 0)
    }

    @Test func usableRSAPrivateKeys() {
        #expect(KeyMaterial.isUsableRSAPrivateKey(bytes(Fixtures.rsaPrivateKeyPEM)))
        #expect(KeyMaterial.isUsableRSAPrivateKey(bytes(Fixtures.rsaPKCS1PrivateKeyPEM)))
        #expect(KeyMaterial.isUsableRSAPrivateKey(Base64.decode(Fixtures.rsaPrivateKeyDERBase64)!))
    }

    @Test func unusableRSAPrivateKeys() {
        let der = Base64.decode(Fixtures.rsaPrivateKeyDERBase64)!
        var flipped = der
        flipped[flipped.count / 2] ^= 0x01  // a corrupted private exponent or prime
        for candidate in [
            bytes(Fixtures.certificateKeyPEM), bytes(Fixtures.ed25519PrivateKeyPEM), bytes(Fixtures.encryptedCertificateKeyPEM),
            bytes(Fixtures.rsaPublicKeyPEM), bytes(Fixtures.certificatePEM), bytes("garbage"), [],
            der + [0], Array(der.dropLast()), flipped,
        ] {
            #expect(!KeyMaterial.isUsableRSAPrivateKey(candidate))
        }
        #expect(ERR_peek_error() == 0)
    }

    private func check(
        certificate: String = Fixtures.certificatePEM, key: String = Fixtures.certificateKeyPEM,
        ca: String = Fixtures.certificatePEM
    ) -> KeyMaterial.Problem? {
        KeyMaterial.checkCertificateBundle(certificatePEM: certificate, privateKeyPEM: key, caPEM: ca)
    }
}
