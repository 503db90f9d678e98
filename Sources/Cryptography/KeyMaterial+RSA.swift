import COpenSSL

extension KeyMaterial {
    /// Modulus sizes accepted for RSA private keys that callers supply (jwt-bearer RS256/384/512 secrets).
    /// Below 2048 bits RS* is not secure (RFC 7518 §3.3 requires 2048); above 4096 every signature, and this
    /// check, costs ever more CPU (private-key operations grow with the cube of the size) for no practical gain.
    public static let rsaPrivateKeyBits = 2048...4096

    public enum RSAKeyProblem: Error, Sendable, Equatable {
        /// Not an unencrypted private key in PEM or DER.
        case unreadable
        /// A private key of another kind (EC, Ed25519, …).
        case notRSA
        /// A modulus outside `rsaPrivateKeyBits`.
        case unsupportedSize(bits: Int)
        /// Parts that do not belong together (e.g. a modulus from another key, a corrupted private exponent),
        /// or more than two primes.
        case inconsistent
    }

    /// Nil when `keyBytes` (PEM, or DER) hold an unencrypted two-prime RSA private key of `rsaPrivateKeyBits`
    /// whose parts are consistent and which signs a fixed message (RS256) that its public half verifies.
    /// ~1–2 ms for RSA-2048, most of it the signature; unlike `EVP_PKEY_pairwise_check` (~40 ms) it does not
    /// prove p and q prime, which a key's owner gains nothing by getting wrong.
    public static func rsaPrivateKeyProblem(_ keyBytes: [UInt8]) -> RSAKeyProblem? {
        defer { ERR_clear_error() }
        guard let key = KeyLoading.privateKey(keyBytes) else { return .unreadable }
        defer { EVP_PKEY_free(key) }
        guard KeyLoading.isRSA(key) else { return .notRSA }
        let bits = Int(EVP_PKEY_get_bits(key))
        guard rsaPrivateKeyBits.contains(bits) else { return .unsupportedSize(bits: bits) }
        guard RSAKeyConsistency.holds(for: key), signsVerifiably(key) else { return .inconsistent }
        return nil
    }

    private static let testMessage = Array("embedded-api RSA private key check".utf8)

    /// Catches what the arithmetic cannot, e.g. a composite "prime", for which RSA does not round-trip.
    private static func signsVerifiably(_ key: OpaquePointer) -> Bool {
        guard let signature = try? RSASignature.sign(testMessage, key: key, algorithm: .rs256) else { return false }
        return RSASignature.verify(testMessage, signature: signature, key: key, algorithm: .rs256)
    }
}
