import Cryptography
public import Domain

/// Domain's key-material checks, answered by OpenSSL.
public struct OpenSSLKeyMaterial: KeyMaterialChecking {
    public init() {}

    public func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? {
        switch KeyMaterial.checkCertificateBundle(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, caPEM: caPEM) {
        case nil: nil
        case .invalidCertificate: "certificate is not a valid PEM X.509 certificate"
        case .invalidPrivateKey: "key is not a valid unencrypted PEM private key"
        case .invalidCA: "ca is not a valid PEM certificate bundle"
        case .keyDoesNotMatchCertificate: "key does not match the certificate"
        }
    }

    public func isUsableRSAPrivateKey(_ bytes: [UInt8]) -> Bool {
        KeyMaterial.isUsableRSAPrivateKey(bytes)
    }
}
