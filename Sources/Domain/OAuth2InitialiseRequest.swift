import JSON

/// Body of `POST /embed/{hub_id}/connector/{connector_id}/oauth2/initialise` (InitialiseOAuth2ConnectionRequest),
/// with this server's extensions `returnUrl`, `connectionName` and `userId`.
public struct OAuth2InitialiseRequest: Sendable {
    public var credentialId: ULID
    public var credentialOrganisationId: ULID
    public var authorizeUrl: String
    public var clientId: String
    public var scopes: [String]
    public var disableOfflineAccess: Bool
    public var prompt: String?
    /// Decoded `additionalParams`, in their order.
    public var additionalParams: [(name: String, value: String)]
    public var returnUrl: String?
    public var connectionName: String?
    /// The end user when an API key calls (resolved by the `identifier_type` query parameter).
    public var userId: String?

    /// Set by this server; `additionalParams` may not set them.
    public static let reservedParameters: Set = [
        "state", "redirect_uri", "code_challenge", "code_challenge_method", "client_id", "response_type",
    ]

    /// `decodeParameters` splits a form-encoded string into name/value pairs (App's `QueryString.decode`).
    public static func decode(
        _ body: JSONValue, decodeParameters: (String) -> [(name: String, value: String)]
    ) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            var credential: (ULID, ULID)?
            if var credentialReader = ObjectReader(reader.value("credential", required: true), at: reader.pathOf("credential"), issues: reader.issues) {
                let id = credentialReader.ulid("id"), organisationId = credentialReader.ulid("organisationId")
                credentialReader.finish()
                if let id, let organisationId { credential = (id, organisationId) }
            }
            let authorizeUrl = reader.string("authorizeUrl")
            if let authorizeUrl, !Formats.isAbsoluteHTTPURL(authorizeUrl) || authorizeUrl.contains("#") {
                reader.issues.report(reader.pathOf("authorizeUrl"), "must be an absolute http(s) URL without a fragment")
            }
            let clientId = reader.string("clientId")
            let scopes = reader.stringArray("scopes", required: false) ?? []
            if let bad = scopes.first(where: { $0.isEmpty || $0.contains(" ") }) {
                reader.issues.report(reader.pathOf("scopes"), "a scope must be non-empty without spaces, not \"\(bad)\"")
            }
            let disableOfflineAccess = reader.bool("disableOfflineAccess") ?? false
            let prompt = reader.string("prompt", required: false)
            let rawParams = reader.string("additionalParams", required: false, allowEmpty: true) ?? ""
            let additionalParams = decodeParameters(rawParams).filter { !$0.name.isEmpty }
            if let reserved = additionalParams.first(where: { reservedParameters.contains($0.name) }) {
                reader.issues.report(
                    reader.pathOf("additionalParams"), "may not set \(reserved.name): this server sets it")
            }
            let returnUrl = reader.string("returnUrl", required: false)
            if let returnUrl, !isAcceptableReturnURL(returnUrl) {
                reader.issues.report(
                    reader.pathOf("returnUrl"),
                    "must be an absolute https URL (http only for 127.0.0.1, [::1] or localhost) without a fragment")
            }
            let connectionName = reader.string("connectionName", required: false)
            let userId = reader.string("userId", required: false)
            guard let credential, let authorizeUrl, let clientId else { return nil }
            return Self(
                credentialId: credential.0, credentialOrganisationId: credential.1, authorizeUrl: authorizeUrl,
                clientId: clientId, scopes: scopes, disableOfflineAccess: disableOfflineAccess, prompt: prompt,
                additionalParams: additionalParams, returnUrl: returnUrl, connectionName: connectionName, userId: userId)
        }
    }

    /// `https://…` anywhere; `http://…` only to the caller's own machine. No fragment, since the outcome is
    /// appended to the URL's query.
    public static func isAcceptableReturnURL(_ text: String) -> Bool {
        guard Formats.isAbsoluteHTTPURL(text), !text.contains("#") else { return false }
        let lower = text.lowercased()
        if lower.hasPrefix("https://") { return true }
        let authority = lower.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { return false }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return false }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            guard parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)) else { return false }
        }
        return ["127.0.0.1", "[::1]", "localhost"].contains(String(host))
    }
}
