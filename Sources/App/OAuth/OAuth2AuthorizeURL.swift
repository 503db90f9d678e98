import Cryptography
import Domain

/// The authorization request URL (RFC 6749 §4.1.1, with PKCE S256 from RFC 7636 §4.3) that
/// InitialiseOAuth2EmbeddedConnection answers, and the random values behind it.
struct OAuth2AuthorizeURL {
    var request: OAuth2InitialiseRequest
    var redirectURI: String
    var state: String
    var codeVerifier: String

    /// 256 random bits, base64url without padding (43 characters, all in RFC 7636's unreserved set).
    static func randomToken() -> String { Base64.encodeURL(SecureRandom.bytes(count: 32)) }

    /// What the state is stored as: the provider hands the state back, so only its hash is kept.
    static func stateHash(_ state: String) -> [UInt8] { Digest.sha256(Array(state.utf8)) }

    static func codeChallenge(for verifier: String) -> String { Base64.encodeURL(Digest.sha256(Array(verifier.utf8))) }

    /// The requested scopes, plus `offline_access` (for a refresh token) unless the request turns it off.
    var scopes: [String] {
        var scopes = request.scopes
        if !request.disableOfflineAccess, !scopes.contains("offline_access") { scopes.append("offline_access") }
        return scopes
    }

    /// `prompt`: the request's; else `login`, unless `additionalParams` sets `prompt` or Google's `approval_prompt`.
    var prompt: String? {
        if let prompt = request.prompt { return prompt }
        let names = request.additionalParams.map(\.name)
        return names.contains("prompt") || names.contains("approval_prompt") ? nil : "login"
    }

    /// A parameter of `additionalParams` that the request also sets another way, which the URL cannot carry twice.
    var conflictingParameter: String? {
        let names = Set(request.additionalParams.map(\.name))
        if request.prompt != nil, names.contains("prompt") { return "prompt" }
        if !scopes.isEmpty, names.contains("scope") { return "scope" }
        return nil
    }

    var url: String {
        var pairs = [
            ("response_type", "code"), ("client_id", request.clientId), ("redirect_uri", redirectURI),
        ]
        if !scopes.isEmpty { pairs.append(("scope", scopes.joined(separator: " "))) }
        pairs.append(("state", state))
        pairs += [("code_challenge", Self.codeChallenge(for: codeVerifier)), ("code_challenge_method", "S256")]
        var query = FormEncoding.encode(pairs)
        // `+` in a prompt is the query form of the space between several values (`consent+select_account`).
        if let prompt { query += "&prompt=" + prompt.split(separator: "+", omittingEmptySubsequences: false).map { FormEncoding.encode(String($0)) }.joined(separator: "+") }
        if !request.additionalParams.isEmpty { query += "&" + FormEncoding.encode(request.additionalParams.map { ($0.name, $0.value) }) }
        let base = request.authorizeUrl
        let separator = !base.contains("?") ? "?" : (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&")
        return base + separator + query
    }
}
