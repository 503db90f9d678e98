import Cryptography
import Domain
import JSON

/// An end user's JWT, split and decoded but not yet trusted: `verify` must succeed before any claim is believed.
/// Only RS256 is accepted; `none` and every HMAC algorithm are refused before any key is looked up, so a public
/// key can never be abused as an HMAC secret.
struct EndUserToken: Sendable {
    /// The signing key id from `iss`, which ends in `/sk/<keyId>`.
    let signingKeyID: String
    /// `sub`: the end user's externalId.
    let subject: String
    let expiresAt: Double?
    let notBefore: Double?
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Throws `AuthenticationFailure.invalidToken` for anything but a well-formed RS256 token with `iss` and `sub`.
    init(parsing token: String) throws(APIError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64.decodeURL(String(parts[0])),
              let payloadBytes = Base64.decodeURL(String(parts[1])),
              let signature = Base64.decodeURL(String(parts[2])), !signature.isEmpty
        else { throw AuthenticationFailure.invalidToken("the token is not a signed JWT") }
        guard case .object(let header)? = try? JSONValue.parse(headerBytes, maxDepth: 4),
              case .object(let claims)? = try? JSONValue.parse(payloadBytes, maxDepth: 16)
        else { throw AuthenticationFailure.invalidToken("the token's header or claims are not JSON objects") }
        guard header["alg"] == .string("RS256") else {
            throw AuthenticationFailure.invalidToken("only RS256 tokens are accepted")
        }
        guard header["crit"] == nil else {
            throw AuthenticationFailure.invalidToken("critical header extensions are not supported")
        }
        guard case .string(let issuer)? = claims["iss"], let keyID = Self.signingKeyID(fromIssuer: issuer) else {
            throw AuthenticationFailure.invalidToken("the iss claim must end in /sk/<signing key id>")
        }
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty else {
            throw AuthenticationFailure.invalidToken("the sub claim must name the end user's externalId")
        }
        self.signingKeyID = keyID
        self.subject = subject
        self.expiresAt = try Self.numericDate(claims["exp"], name: "exp")
        self.notBefore = try Self.numericDate(claims["nbf"], name: "nbf")
        self.signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = signature
    }

    /// Signature, then validity window (with `skew` seconds of tolerance each way).
    func verify(publicKeyPEM: String, now: Double, skew: Int) throws(APIError) {
        guard RSAKeys.verifyRS256(message: signingInput, signature: signature, publicKeyPEM: publicKeyPEM) else {
            throw AuthenticationFailure.invalidToken("the token's signature does not verify")
        }
        if let expiresAt, now >= expiresAt + Double(skew) {
            throw AuthenticationFailure.invalidToken("the token has expired")
        }
        if let notBefore, now + Double(skew) < notBefore {
            throw AuthenticationFailure.invalidToken("the token is not valid yet")
        }
    }

    static func signingKeyID(fromIssuer issuer: String) -> String? {
        let segments = issuer.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments[segments.count - 2] == "sk" else { return nil }
        let id = String(segments[segments.count - 1])
        return ULID(id)?.string
    }

    private static func numericDate(_ value: JSONValue?, name: String) throws(APIError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let seconds)? where seconds.isFinite: return seconds
        default: throw AuthenticationFailure.invalidToken("the \(name) claim must be a number of seconds")
        }
    }
}
