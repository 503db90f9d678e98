import Cryptography
import Domain

/// The hmac scheme's signature: HMAC over the configured `digestInputs` in the order listed (the body, the full
/// upstream URL), lowercase hex.
enum HMACSignature {
    static func sign(
        key: [UInt8], algorithm: AuthSchemeConfig.HMAC.Algorithm, inputs: [AuthSchemeConfig.HMAC.DigestInput],
        body: [UInt8], url: String
    ) -> String {
        var message: [UInt8] = []
        for input in inputs {
            switch input {
            case .body: message += body
            case .url: message += Array(url.utf8)
            }
        }
        let digest: Digest.Algorithm = switch algorithm {
        case .sha1: .sha1
        case .sha256: .sha256
        case .sha512: .sha512
        }
        return Hex.encode(Digest.hmac(key: key, data: message, algorithm: digest))
    }
}
