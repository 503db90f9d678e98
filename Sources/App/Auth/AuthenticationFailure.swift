import HTTP1

/// The 401 answers, each with the challenge that names both accepted schemes. Messages never echo the credential.
enum AuthenticationFailure {
    static let challenge = "Bearer realm=\"embedded-api\", JWT realm=\"embedded-api\""

    static var missing: APIError {
        APIError(
            .missingCredentials, "authentication is required: send Authorization: Bearer <api key> or JWT <token>",
            headers: ["WWW-Authenticate": challenge])
    }

    static var invalidAPIKey: APIError {
        APIError(.invalidAPIKey, "the API key is not valid", headers: ["WWW-Authenticate": challenge])
    }

    /// `reason` is fixed text chosen by the server (never token content), e.g. "the token has expired".
    static func invalidToken(_ reason: String) -> APIError {
        APIError(.invalidToken, "the token is not valid", details: reason, headers: ["WWW-Authenticate": challenge])
    }
}
