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

    private func check(
        certificate: String = Fixtures.certificatePEM, key: String = Fixtures.certificateKeyPEM,
        ca: String = Fixtures.certificatePEM
    ) -> KeyMaterial.Problem? {
        KeyMaterial.checkCertificateBundle(certificatePEM: certificate, privateKeyPEM: key, caPEM: ca)
    }
}
