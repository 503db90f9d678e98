import Cryptography
import Domain
import JSON

/// Signs a jwt-bearer credential's token: its `payload` plus `iat` and `exp` (now + `expiresIn`). HS* keys are
/// the base64-decoded `secret`; RS* keys are the PEM it encodes.
struct JWTBearerToken: Sendable {
    var token: String
    var expiresAt: Timestamp
    /// `<authorizationHeaderPrefix> <token>`, or the bare token when the prefix is empty.
    var header: String

    /// The token for `binding`; RS* signing takes milliseconds, so it runs off the event loop (`OffLoopWork`),
    /// while HS* is cheap enough to run in place.
    static func signed(_ binding: UsableBinding, now: Timestamp) async throws -> JWTBearerToken {
        guard binding.field("algorithm").hasPrefix("RS") else { return try JWTBearerToken(binding, now: now) }
        return try await OffLoopWork.run { try JWTBearerToken(binding, now: now) }
    }

    init(_ binding: UsableBinding, now: Timestamp) throws(APIError) {
        let algorithm = binding.field("algorithm")
        guard let key = Base64.decode(binding.field("secret")),
              case .object(var claims)? = try? JSONValue.parse(utf8: binding.field("payload")),
              let nanoseconds = Formats.goDurationNanoseconds(binding.field("expiresIn")), nanoseconds > 0
        else { throw Self.unusable("its secret, payload or expiresIn no longer reads") }
        let issuedAt = now.microsecondsSinceEpoch / 1_000_000
        let expiry = issuedAt + Int64((nanoseconds / 1e9).rounded(.up))
        claims["iat"] = .number(Double(issuedAt))
        claims["exp"] = .number(Double(expiry))
        let header: JSONValue = ["alg": .string(algorithm), "typ": "JWT"]
        let signingInput = Base64.encodeURL(header.serialized()) + "." + Base64.encodeURL(JSONValue.object(claims).serialized())
        let signature = try Self.sign(Array(signingInput.utf8), algorithm: algorithm, key: key)
        token = signingInput + "." + Base64.encodeURL(signature)
        expiresAt = Timestamp(microsecondsSinceEpoch: expiry * 1_000_000)
        let prefix = binding.field("authorizationHeaderPrefix")
        self.header = prefix.isEmpty ? token : "\(prefix) \(token)"
    }

    private static func sign(_ message: [UInt8], algorithm: String, key: [UInt8]) throws(APIError) -> [UInt8] {
        switch algorithm {
        case "HS256": return Digest.hmac(key: key, data: message, algorithm: .sha256)
        case "HS384": return Digest.hmac(key: key, data: message, algorithm: .sha384)
        case "HS512": return Digest.hmac(key: key, data: message, algorithm: .sha512)
        default:
            guard let rsa = RSAKeys.SignatureAlgorithm(rawValue: algorithm) else {
                throw unusable("its algorithm is not one of HS256/384/512, RS256/384/512")
            }
            do {
                return try RSAKeys.sign(message: message, privateKey: key, algorithm: rsa)
            } catch {
                throw unusable("its secret is not an RSA private key")
            }
        }
    }

    private static func unusable(_ reason: String) -> APIError {
        APIError(.credentialUnusable, "the jwt-bearer credential cannot sign a token", details: reason)
    }
}
