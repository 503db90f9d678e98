/// What a credential's `data` holds (the reference's `CredentialType` enum).
public enum CredentialType: String, Sendable, Hashable, CaseIterable {
    case none
    case string
    case binary
    case basicAuth = "basic-auth"
    case oauth2Client = "oauth2-client"
    case oauth2Code = "oauth2-code"
    case oauth2Password = "oauth2-password"
    case oauth2Token = "oauth2-token"
    case certificate
    case jwtBearer = "jwt-bearer"
    case customFunction = "custom-function"

    /// Fields of `data` that are secret: sealed at rest and returned as `""` (an oauth2-code's `code` is
    /// never stored at all).
    public var secretFields: [String] { fieldSpecs.filter(\.secret).map(\.name) }
}

extension AuthSchemeConfig {
    /// The contract's compatibility table: which credential types this scheme (and oauth2 grant) accepts.
    public var acceptedCredentialTypes: [CredentialType] {
        switch scheme {
        case .none: [.none]
        case .apiKey: [.string]
        case .basicAuth: [.basicAuth]
        case .oauth2(let oauth2):
            switch oauth2.grant {
            case .clientCredentials: [.oauth2Client]
            case .password: [.oauth2Password]
            case .authorizationCode: [.oauth2Code, .oauth2Token]
            }
        case .hmac: [.string, .binary]
        case .certificate: [.certificate]
        case .jwtBearer: [.jwtBearer]
        case .customFunction: [.customFunction]
        }
    }

    /// How messages name the scheme: `schemeType oauth2 with grantType password`.
    public var label: String {
        let base = "schemeType \(schemeType.rawValue)"
        return oauth2.map { base + " with grantType \($0.grant.grantType.rawValue)" } ?? base
    }

    public func accepts(_ type: CredentialType) -> Bool { acceptedCredentialTypes.contains(type) }

    /// The issue to report at `field` when `type` does not fit this scheme, else nil.
    public func compatibilityIssue(for type: CredentialType, at field: String) -> ValidationIssue? {
        guard !accepts(type) else { return nil }
        let allowed = acceptedCredentialTypes.map(\.rawValue).joined(separator: ", ")
        return ValidationIssue(
            field: field, message: "credential type \(type.rawValue) cannot be used with \(label) (allowed: \(allowed))")
    }
}
