/// The contract's credential-data table as data: which fields each type has, which are required, which are
/// secret, and what each must look like. Cross-field checks live in `CredentialDataValidator`.
struct CredentialFieldSpec {
    enum Kind {
        case string(StringFormat)
        case stringArray
        case bool
        /// Any JSON value (custom-function `data`).
        case anyValue
    }

    enum StringFormat {
        case text
        /// May be `""`.
        case textOrEmpty
        case base64
        case httpURL
        case httpURLOrEmpty
        case rfc3339
        case ulidOrEmpty
        case jwtAlgorithm
        case goDuration
        case jsonObjectText
        case pemCertificates
        case pemPrivateKey
    }

    var name: String
    var kind: Kind
    var required: Bool
    var secret: Bool
    /// Secrets, tokens, PEM material and JWT payloads may be long; everything else is a short string.
    var maxLength: Int

    init(_ name: String, _ kind: Kind, required: Bool = true, secret: Bool = false, long: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
        self.secret = secret
        maxLength = long || secret ? ValidationLimits.maxPayloadLength : ValidationLimits.maxStringLength
    }
}

enum JWTAlgorithm: String, CaseIterable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512", rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    var isRSA: Bool { rawValue.hasPrefix("RS") }
}

extension CredentialType {
    var fieldSpecs: [CredentialFieldSpec] {
        switch self {
        case .none: []
        case .string: [.init("value", .string(.text), secret: true)]
        case .binary: [.init("valueBase64", .string(.base64), secret: true)]
        case .basicAuth, .oauth2Password:
            [.init("username", .string(.text)), .init("password", .string(.textOrEmpty), secret: true)]
        case .oauth2Client:
            [
                .init("clientId", .string(.text)),
                .init("clientSecret", .string(.text), secret: true),
                .init("tokenUrl", .string(.httpURL)),
                .init("authorizeUrl", .string(.httpURLOrEmpty), required: false),
                .init("scopes", .stringArray, required: false),
                .init("additionalParams", .string(.textOrEmpty), required: false),
                .init("mTLSEnabled", .bool, required: false),
                .init("mTLSCredentialId", .string(.ulidOrEmpty), required: false),
            ]
        case .oauth2Code: [.init("code", .string(.text), secret: true), .init("state", .string(.textOrEmpty))]
        case .oauth2Token:
            [
                .init("refreshToken", .string(.text), secret: true),
                .init("accessToken", .string(.textOrEmpty), required: false, secret: true),
                .init("scopes", .stringArray),
                .init("tokenType", .string(.text), required: false),
                .init("expiresAt", .string(.rfc3339), required: false),
            ]
        case .certificate:
            [
                .init("certificate", .string(.pemCertificates), long: true),
                .init("key", .string(.pemPrivateKey), secret: true),
                .init("ca", .string(.pemCertificates), long: true),
            ]
        case .jwtBearer:
            [
                .init("algorithm", .string(.jwtAlgorithm)),
                .init("secret", .string(.base64), secret: true),
                .init("payload", .string(.jsonObjectText), long: true),
                .init("expiresIn", .string(.goDuration)),
                .init("authorizationHeaderPrefix", .string(.textOrEmpty)),
            ]
        case .customFunction:
            [.init("functionUrl", .string(.httpURL)), .init("data", .anyValue, required: false, secret: true)]
        }
    }
}
