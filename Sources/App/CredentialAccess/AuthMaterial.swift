import Cryptography
import Domain
import JSON

/// What a request needs to authenticate with one binding, in the contract's `auth` shape for its scheme.
/// oauth2 and jwt-bearer are computed per call (`AuthMaterial.make`), the rest are the credential's fields.
enum AuthMaterial {
    /// The `auth` object of `/access`; `token` is the oauth2 token (nil for other schemes).
    static func json(_ binding: UsableBinding, token: OAuthAccessToken?, now: Timestamp) async throws -> JSONObject {
        switch binding.config.scheme {
        case .none:
            return JSONObject()
        case .apiKey(let apiKey):
            return JSONObject([
                ("in", .string(apiKey.location.rawValue)), ("name", .string(apiKey.name)),
                ("value", .string(binding.field("value"))),
            ])
        case .basicAuth:
            return JSONObject([("header", .string(basicHeader(binding)))])
        case .oauth2:
            guard let token else { throw InvariantViolation("an oauth2 binding reached AuthMaterial without its token") }
            return JSONObject([
                ("accessToken", .string(token.accessToken)), ("tokenType", .string(token.tokenType)),
                ("expiresAt", token.expiresAt.map { .string($0.rfc3339) } ?? .null), ("header", .string(token.header)),
            ])
        case .hmac(let hmac):
            return JSONObject([
                ("in", .string(hmac.location.rawValue)), ("name", .string(hmac.name)),
                ("algorithm", .string(hmac.algorithm.rawValue)),
                ("digestInputs", .array(hmac.digestInputs.map { .string($0.rawValue) })),
                ("key", .string(Base64.encode(hmacKey(binding)))),
            ])
        case .certificate:
            return JSONObject([
                ("certificate", .string(binding.field("certificate"))), ("key", .string(binding.field("key"))),
                ("ca", .string(binding.field("ca"))),
            ])
        case .jwtBearer:
            let signed = try await JWTBearerToken.signed(binding, now: now)
            return JSONObject([
                ("header", .string(signed.header)), ("token", .string(signed.token)),
                ("expiresAt", .string(signed.expiresAt.rfc3339)),
            ])
        case .customFunction:
            return JSONObject([
                ("functionUrl", .string(binding.field("functionUrl"))),
                ("data", binding.secrets["data"] ?? binding.publicData["data"] ?? .null),
            ])
        }
    }

    /// `Basic base64(username:password)`.
    static func basicHeader(_ binding: UsableBinding) -> String {
        "Basic " + Base64.encode(Array("\(binding.field("username")):\(binding.field("password"))".utf8))
    }

    /// The HMAC key: a string credential's UTF-8 bytes, a binary credential's decoded bytes.
    static func hmacKey(_ binding: UsableBinding) -> [UInt8] {
        if binding.credentialType == .binary { return Base64.decode(binding.field("valueBase64")) ?? [] }
        return Array(binding.field("value").utf8)
    }
}
