import COpenSSL

/// Hashes and HMACs through OpenSSL's one-shot EVP calls.
public enum Digest {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1, sha256, sha384, sha512

        /// Output length in bytes.
        public var byteCount: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }

        var evp: OpaquePointer {
            switch self {
            case .sha1: Fetched.digests.sha1
            case .sha256: Fetched.digests.sha256
            case .sha384: Fetched.digests.sha384
            case .sha512: Fetched.digests.sha512
            }
        }
    }

    /// The implementations, fetched from the default provider once. With `EVP_sha256()` and the like, OpenSSL 3
    /// fetches the implementation again inside every `EVP_Digest` (a lock and a lookup): a fifth of hashing an
    /// API key, which every request does. Fetched digests are immutable and shared across threads.
    private struct Fetched: @unchecked Sendable {
        let sha1, sha256, sha384, sha512: OpaquePointer

        static let digests = Fetched(sha1: fetch("SHA1"), sha256: fetch("SHA256"), sha384: fetch("SHA384"), sha512: fetch("SHA512"))

        private static func fetch(_ name: String) -> OpaquePointer {
            guard let digest = EVP_MD_fetch(nil, name, nil) else { preconditionFailure(OpenSSL.drainError("EVP_MD_fetch \(name)")) }
            return digest
        }
    }

    public static func hash(_ data: [UInt8], algorithm: Algorithm) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.byteCount)
        var length: UInt32 = 0
        let ok = data.withNonNullBytes { input, count in
            EVP_Digest(input, count, &output, &length, algorithm.evp, nil)
        }
        // Fails only on allocation failure or a broken provider; neither leaves a usable state to recover into.
        precondition(ok == 1 && Int(length) == algorithm.byteCount, OpenSSL.drainError("EVP_Digest failed"))
        return output
    }

    public static func hmac(key: [UInt8], data: [UInt8], algorithm: Algorithm) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.byteCount)
        var length: UInt32 = 0
        let result = key.withNonNullBytes { keyBytes, keyCount in
            data.withNonNullBytes { input, count in
                HMAC(algorithm.evp, keyBytes, Int32(keyCount), input, count, &output, &length)
            }
        }
        precondition(result != nil && Int(length) == algorithm.byteCount, OpenSSL.drainError("HMAC failed"))
        return output
    }

    public static func sha1(_ data: [UInt8]) -> [UInt8] { hash(data, algorithm: .sha1) }
    public static func sha256(_ data: [UInt8]) -> [UInt8] { hash(data, algorithm: .sha256) }
    public static func sha384(_ data: [UInt8]) -> [UInt8] { hash(data, algorithm: .sha384) }
    public static func sha512(_ data: [UInt8]) -> [UInt8] { hash(data, algorithm: .sha512) }

    public static func hmacSHA1(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(key: key, data: data, algorithm: .sha1)
    }

    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(key: key, data: data, algorithm: .sha256)
    }

    public static func hmacSHA384(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(key: key, data: data, algorithm: .sha384)
    }

    public static func hmacSHA512(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(key: key, data: data, algorithm: .sha512)
    }

    /// Constant-time equality for MACs and hashes (the time depends only on the lengths).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { lhs in
            b.withUnsafeBytes { rhs in CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0 }
        }
    }
}
