import COpenSSL

/// RSA signing keys for end-user JWTs (RS256) and jwt-bearer credentials (RS256/384/512).
public enum RSAKeys {
    /// RSASSA-PKCS1-v1_5 with a SHA-2 hash, named as in JWT `alg`.
    public enum SignatureAlgorithm: String, Sendable, CaseIterable {
        case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"

        var digest: Digest.Algorithm {
            switch self {
            case .rs256: .sha256
            case .rs384: .sha384
            case .rs512: .sha512
            }
        }
    }

    /// Accepted sizes for new keys.
    public static let generatableBits = 2048...16384

    /// A new key pair as PEM (PKCS#8 private, SubjectPublicKeyInfo public).
    public static func generate(bits: Int = 2048) throws(CryptoError) -> (privateKeyPEM: String, publicKeyPEM: String) {
        guard generatableBits.contains(bits) else { throw .invalidKey("RSA key size must be 2048 to 16384 bits") }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw .openSSL(OpenSSL.drainError("EVP_PKEY_CTX_new_from_name failed"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw .openSSL(OpenSSL.drainError("RSA key generation failed")) }
        defer { EVP_PKEY_free(key) }
        // Without a cipher PEM_write_bio_PrivateKey writes unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
        let privatePEM = OpenSSL.writeToString(secret: true) { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) == 1 }
        guard let privatePEM,
            let publicPEM = OpenSSL.writeToString({ PEM_write_bio_PUBKEY($0, key) == 1 })
        else { throw .openSSL(OpenSSL.drainError("PEM encoding failed")) }
        return (privatePEM, publicPEM)
    }

    /// The SubjectPublicKeyInfo PEM of a private key (PEM or DER); nil when it is not a usable RSA key.
    public static func publicKeyPEM(ofPrivateKey keyBytes: [UInt8]) -> String? {
        defer { ERR_clear_error() }
        guard let key = KeyLoading.privateKey(keyBytes) else { return nil }
        defer { EVP_PKEY_free(key) }
        guard KeyLoading.isRSA(key) else { return nil }
        return OpenSSL.writeToString { PEM_write_bio_PUBKEY($0, key) == 1 }
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) verification.
    public static func verifyRS256(message: [UInt8], signature: [UInt8], publicKeyPEM: String) -> Bool {
        verify(message: message, signature: signature, publicKeyPEM: publicKeyPEM, algorithm: .rs256)
    }

    public static func signRS256(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] {
        try sign(message: message, privateKeyPEM: privateKeyPEM, algorithm: .rs256)
    }

    public static func signRS384(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] {
        try sign(message: message, privateKeyPEM: privateKeyPEM, algorithm: .rs384)
    }

    public static func signRS512(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] {
        try sign(message: message, privateKeyPEM: privateKeyPEM, algorithm: .rs512)
    }

    /// False for a bad signature, a key that is not an RSA SubjectPublicKeyInfo PEM, or any OpenSSL failure.
    /// Parses the key on every call; see `RSAPublicKey` to parse once.
    public static func verify(
        message: [UInt8], signature: [UInt8], publicKeyPEM: String, algorithm: SignatureAlgorithm
    ) -> Bool {
        guard let key = try? RSAPublicKey(pem: publicKeyPEM) else { return false }
        return key.verify(message: message, signature: signature, algorithm: algorithm)
    }

    /// Signs with an unencrypted RSA private key in PEM.
    public static func sign(
        message: [UInt8], privateKeyPEM: String, algorithm: SignatureAlgorithm
    ) throws(CryptoError) -> [UInt8] {
        var keyBytes = Array(privateKeyPEM.utf8)
        defer { OpenSSL.cleanse(&keyBytes) }
        return try sign(message: message, privateKey: keyBytes, algorithm: algorithm)
    }

    /// Signs with an unencrypted RSA private key given as PEM or DER bytes.
    public static func sign(
        message: [UInt8], privateKey keyBytes: [UInt8], algorithm: SignatureAlgorithm
    ) throws(CryptoError) -> [UInt8] {
        defer { ERR_clear_error() }
        guard let key = KeyLoading.privateKey(keyBytes) else { throw .invalidKey("not a readable private key") }
        defer { EVP_PKEY_free(key) }
        guard KeyLoading.isRSA(key) else { throw .invalidKey("not an RSA private key") }
        return try RSASignature.sign(message, key: key, algorithm: algorithm)
    }
}
