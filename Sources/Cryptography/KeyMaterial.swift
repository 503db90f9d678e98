import COpenSSL

/// Checks on PEM material supplied in credentials.
public enum KeyMaterial {
    public enum Problem: Error, Sendable, Equatable {
        case invalidCertificate, invalidPrivateKey, invalidCA, keyDoesNotMatchCertificate
    }

    /// Parses certificate, key and CA bundle (at least one certificate, every block valid), and checks the key
    /// belongs to the certificate. Does not check validity dates or that the CA issued the certificate.
    public static func checkCertificateBundle(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> Problem? {
        defer { ERR_clear_error() }
        guard let certificate = KeyLoading.certificate(pem: certificatePEM) else { return .invalidCertificate }
        defer { X509_free(certificate) }
        guard let key = KeyLoading.privateKey(pem: privateKeyPEM) else { return .invalidPrivateKey }
        defer { EVP_PKEY_free(key) }
        guard let authorities = KeyLoading.certificateCount(pem: caPEM), authorities >= 1 else { return .invalidCA }
        guard X509_check_private_key(certificate, key) == 1 else { return .keyDoesNotMatchCertificate }
        return nil
    }

    /// True when `keyBytes` (PEM, or DER) holds an RSA private key that `rsaPrivateKeyProblem` finds nothing
    /// wrong with, i.e. one `RSAKeys.sign` can use.
    public static func isUsableRSAPrivateKey(_ keyBytes: [UInt8]) -> Bool {
        rsaPrivateKeyProblem(keyBytes) == nil
    }
}
