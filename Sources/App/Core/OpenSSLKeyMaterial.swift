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

    public func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? {
        switch KeyMaterial.rsaPrivateKeyProblem(bytes) {
        case nil: nil
        case .unreadable: "must be a base64-encoded, unencrypted RSA private key (PEM or DER)"
        case .notRSA: "must be an RSA private key; this is another kind of key"
        case .unsupportedSize(let bits): "must be an RSA key of \(Self.bitRange) bits; this one has \(bits)"
        case .inconsistent: "must be a consistent RSA private key; its parts do not belong together"
        }
    }

    private static let bitRange = "\(KeyMaterial.rsaPrivateKeyBits.lowerBound) to \(KeyMaterial.rsaPrivateKeyBits.upperBound)"
}
