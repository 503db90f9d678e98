/// Errors of the Cryptography module. None of them carries key material or plaintext: `invalidKeyRing` and
/// `invalidKey` name the problem (and at most a key *version*), `openSSL` carries OpenSSL's own reason text.
public enum CryptoError: Error, Sendable, Equatable {
    case unknownKeyVersion(String)
    case authenticationFailed      // tampered ciphertext or wrong associated data
    case malformedCiphertext
    case invalidKeyRing(String)    // message names the problem, never the key
    case invalidKey(String)
    case openSSL(String)
}

extension CryptoError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownKeyVersion(let version): "no key with version \"\(version)\" in the key ring"
        case .authenticationFailed: "ciphertext failed authentication"
        case .malformedCiphertext: "ciphertext is malformed"
        case .invalidKeyRing(let problem): "invalid key ring: \(problem)"
        case .invalidKey(let problem): "invalid key: \(problem)"
        case .openSSL(let reason): "OpenSSL failure: \(reason)"
        }
    }
}
