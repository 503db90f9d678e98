/// Cryptographic checks the domain needs but cannot do itself (Domain does not link OpenSSL).
/// App injects the Cryptography module's implementation; tests inject a double.
public protocol KeyMaterialChecking: Sendable {
    /// Nil when the certificate parses, the private key matches it, and the CA bundle parses; otherwise a
    /// human message naming what is wrong, never quoting the material.
    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String?
    /// Nil when `bytes` (DER, or PEM text as bytes) hold an RSA private key usable for RS256/384/512; otherwise
    /// a message for the field holding the key ("must be …"), never quoting the material.
    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String?
}

extension KeyMaterialChecking {
    /// Whether `bytes` (DER, or PEM text as bytes) hold an RSA private key usable for RS256/384/512.
    public func isUsableRSAPrivateKey(_ bytes: [UInt8]) -> Bool {
        rsaPrivateKeyProblem(bytes) == nil
    }
}
