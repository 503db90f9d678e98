// INTERFACE STUB — the Cryptography owner replaces this file with real, split files, keeping these signatures
// (adding to them is fine).

public enum SecureRandom {
    /// Bytes from OpenSSL's CSPRNG (RAND_bytes).
    public static func bytes(count: Int) -> [UInt8] { fatalError() }
}

public enum Digest {
    public static func sha256(_ data: [UInt8]) -> [UInt8] { fatalError() }
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] { fatalError() }
    /// Constant-time equality for MACs and hashes.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool { fatalError() }
}

public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String { fatalError() }
    /// Strict RFC 4648 §4 (padding required, no whitespace); nil when invalid.
    public static func decode(_ text: String) -> [UInt8]? { fatalError() }
    public static func encodeURL(_ bytes: [UInt8]) -> String { fatalError() }
    /// RFC 4648 §5 without padding (JWT segments); nil when invalid.
    public static func decodeURL(_ text: String) -> [UInt8]? { fatalError() }
}

public enum CryptoError: Error, Sendable, Equatable {
    case unknownKeyVersion(String)
    case authenticationFailed      // tampered ciphertext or wrong associated data
    case malformedCiphertext
    case invalidKeyRing(String)    // message names the problem, never the key
    case invalidKey(String)
    case openSSL(String)
}

/// The credential encryption keys: `v2:<base64 32 bytes>,v1:<base64 32 bytes>`. The first encrypts; all decrypt.
public struct KeyRing: Sendable {
    public init(parsing specification: String) throws(CryptoError) { fatalError() }
    public var currentVersion: String { fatalError() }
    public var versions: [String] { fatalError() }
    /// AES-256-GCM with a fresh 96-bit nonce; the key version is bound into the associated data.
    /// Output: a self-describing blob (version, nonce, ciphertext, tag).
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] { fatalError() }
    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] { fatalError() }
    /// The version a blob was sealed with, without opening it.
    public static func version(of sealed: [UInt8]) throws(CryptoError) -> String { fatalError() }
    /// A new random 256-bit key in the ring's text form, for `embedded-api credentials generate-key`.
    public static func generateKeySpecification(version: String) -> String { fatalError() }
}

/// RSA signing keys for end-user JWTs (RS256).
public enum RSAKeys {
    /// A new key pair as PEM (PKCS#8 private, SubjectPublicKeyInfo public).
    public static func generate(bits: Int = 2048) throws(CryptoError) -> (privateKeyPEM: String, publicKeyPEM: String) { fatalError() }
    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) verification.
    public static func verifyRS256(message: [UInt8], signature: [UInt8], publicKeyPEM: String) -> Bool { fatalError() }
    public static func signRS256(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] { fatalError() }
}

/// Checks on PEM material supplied in credentials.
public enum KeyMaterial {
    public enum Problem: Error, Sendable, Equatable {
        case invalidCertificate, invalidPrivateKey, invalidCA, keyDoesNotMatchCertificate
    }
    /// Parses certificate, key and CA bundle, and checks the key belongs to the certificate.
    public static func checkCertificateBundle(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> Problem? { fatalError() }
    /// True when `pem` (or DER bytes) holds a private key OpenSSL can use for RSA signing.
    public static func isUsableRSAPrivateKey(_ keyBytes: [UInt8]) -> Bool { fatalError() }
}
