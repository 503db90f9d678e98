import Domain
import HTTP1
import HTTPClient
import JSON

/// Reads a token endpoint's answer: a successful response (RFC 6749 §5.1) becomes oauth2-token credential data,
/// an error response (§5.2) becomes `.rejected`, anything else `.badResponse`.
struct OAuthTokenResponse {
    /// Values that must never be echoed back, even if the endpoint copies them into its error description.
    var secrets: [String]
    var requestedScopes: [String]
    var now: Timestamp
    /// For a refresh (RFC 6749 §6): the refresh token just spent, kept when the answer issues no new one (§5.1).
    var previousRefreshToken: String? = nil
    /// False for a client_credentials token (RFC 6749 §4.4.3: a refresh token should not be issued), which is
    /// cached, not stored as an oauth2-token.
    var requiresRefreshToken = true

    func credentialData(from response: OutboundResponse) throws(OAuthExchangeError) -> JSONObject {
        let status = response.status.code
        if (300...399).contains(status) { throw .badResponse("it answered a redirect (HTTP \(status)), which is not followed") }
        guard case .object(let body)? = try? JSONValue.parse(response.body) else {
            throw .badResponse("HTTP \(status) without a JSON object body")
        }
        if case .string(let error)? = body["error"] {
            let code = sanitized(error, limit: 64)
            throw .rejected(error: code.isEmpty ? "unspecified" : code, description: body["error_description"].flatMap(description))
        }
        guard (200...299).contains(status) else { throw .badResponse("HTTP \(status) without an OAuth error") }
        return try tokenData(body)
    }

    private func tokenData(_ body: JSONObject) throws(OAuthExchangeError) -> JSONObject {
        guard case .string(let accessToken)? = body["access_token"], !accessToken.isEmpty else {
            throw .badResponse("the response has no access_token")
        }
        var data = JSONObject([("accessToken", .string(accessToken))])
        // An oauth2-token credential cannot be stored without one (the contract makes refreshToken required).
        let refreshToken = try optionalString(body, "refresh_token").flatMap({ $0.isEmpty ? nil : $0 }) ?? previousRefreshToken
        if let refreshToken, !refreshToken.isEmpty {
            data["refreshToken"] = .string(refreshToken)
        } else if requiresRefreshToken {
            throw .badResponse("the response has no refresh_token")
        }
        let scopes = try optionalString(body, "scope").map { $0.split(separator: " ").map(String.init) } ?? requestedScopes
        data["scopes"] = .array(scopes.map(JSONValue.string))
        let tokenType = try optionalString(body, "token_type") ?? ""
        data["tokenType"] = .string(tokenType.isEmpty || tokenType.lowercased() == "bearer" ? "Bearer" : tokenType)
        if let lifetime = try expiresIn(body["expires_in"]) {
            data["expiresAt"] = .string(now.adding(seconds: lifetime).rfc3339)
        }
        return data
    }

    private func optionalString(_ body: JSONObject, _ name: String) throws(OAuthExchangeError) -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw .badResponse("\(name) is not a string")
        }
    }

    /// Seconds, as a number or (as some providers send it) a numeric string.
    private func expiresIn(_ value: JSONValue?) throws(OAuthExchangeError) -> Int64? {
        let seconds: Double?
        switch value {
        case nil, .null?: return nil
        case .number(let number)?: seconds = number
        case .string(let text)?: seconds = Double(text)
        default: seconds = nil
        }
        guard let seconds, seconds >= 0, seconds <= 100 * 365 * 86_400, seconds == seconds.rounded(.down) else {
            throw .badResponse("expires_in is not a whole number of seconds")
        }
        return Int64(seconds)
    }

    private func description(_ value: JSONValue) -> String? {
        guard case .string(let text) = value else { return nil }
        let clean = sanitized(text, limit: 300)
        return clean.isEmpty ? nil : clean
    }

    /// Only the characters §5.2 allows (printable ASCII except `"` and `\`), bounded, with any secret masked.
    private func sanitized(_ text: String, limit: Int) -> String {
        var clean = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\"
        }.prefix(limit)))
        for secret in secrets where !secret.isEmpty {
            clean = clean.replacing(secret, with: "****")
        }
        return clean
    }
}
