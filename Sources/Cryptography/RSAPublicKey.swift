import COpenSSL

/// An RSA public key parsed once, for verifying many signatures: parsing PEM costs about ten times more than an
/// RS256 verification, so callers that check JWTs keep these per signing key. Immutable after init; OpenSSL
/// allows concurrent read-only use of an EVP_PKEY, so it is safe to share between threads.
public final class RSAPublicKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Parses a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`) holding an RSA key.
    public init(pem: String) throws(CryptoError) {
        defer { ERR_clear_error() }
        guard let key = KeyLoading.publicKey(pem: pem) else { throw .invalidKey("not a readable public key") }
        guard KeyLoading.isRSA(key) else {
            EVP_PKEY_free(key)
            throw .invalidKey("not an RSA public key")
        }
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// Key size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(key)) }

    /// False for a bad signature or any OpenSSL failure.
    public func verify(message: [UInt8], signature: [UInt8], algorithm: RSAKeys.SignatureAlgorithm) -> Bool {
        defer { ERR_clear_error() }
        return RSASignature.verify(message, signature: signature, key: key, algorithm: algorithm)
    }
}

extension RSAPublicKey: CustomStringConvertible {
    public var description: String { "RSAPublicKey(bits: \(bits))" }
}
