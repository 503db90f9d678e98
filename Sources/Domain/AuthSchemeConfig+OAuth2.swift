extension AuthSchemeConfig {
    public struct OAuth2: Sendable, Equatable {
        public var authorizeUrl: String
        public var tokenUrl: String
        public var scopes: [Scope]
        public var defaultScopes: [String]
        public var additionalAuthorizeParams: String?
        public var additionalTokenParams: String?
        public var mtlsEnabled: Bool?
        public var mtlsCredentialId: String?
        public var grant: Grant

        public init(
            authorizeUrl: String, tokenUrl: String, scopes: [Scope], defaultScopes: [String],
            additionalAuthorizeParams: String? = nil, additionalTokenParams: String? = nil,
            mtlsEnabled: Bool? = nil, mtlsCredentialId: String? = nil, grant: Grant
        ) {
            self.authorizeUrl = authorizeUrl
            self.tokenUrl = tokenUrl
            self.scopes = scopes
            self.defaultScopes = defaultScopes
            self.additionalAuthorizeParams = additionalAuthorizeParams
            self.additionalTokenParams = additionalTokenParams
            self.mtlsEnabled = mtlsEnabled
            self.mtlsCredentialId = mtlsCredentialId
            self.grant = grant
        }

        /// `OAuth2Scope`.
        public struct Scope: Sendable, Equatable {
            public var name: String
            public var description: String?
            public init(name: String, description: String? = nil) { self.name = name; self.description = description }
        }

        public enum GrantType: String, Sendable, Hashable, CaseIterable {
            case authorizationCode = "authorization_code"
            case clientCredentials = "client_credentials"
            case password
        }

        /// `AuthSchemeConfigOAuth2Grant`, discriminated by `grantType`.
        public enum Grant: Sendable, Equatable {
            case authorizationCode(GrantClient)
            case clientCredentials
            case password(GrantClient)

            public var grantType: GrantType {
                switch self {
                case .authorizationCode: .authorizationCode
                case .clientCredentials: .clientCredentials
                case .password: .password
                }
            }
        }

        /// Optional client settings of the authorization_code and password grants; `clientSecret` is secret.
        public struct GrantClient: Sendable, Equatable {
            /// Why a code cannot be exchanged with this client, reported at the grant's `clientId`.
            public static let missingClient = "an oauth2-code credential needs the grant's clientId and clientSecret, "
                + "or a credentialId naming an oauth2-client credential"

            /// An authorization code can be exchanged: the grant names an oauth2-client credential (which holds
            /// the id and secret) or carries a non-empty `clientId` and `clientSecret` itself.
            public var canExchangeCode: Bool {
                credentialId != nil || (clientId?.isEmpty == false && clientSecret?.exposedValue.isEmpty == false)
            }

            public var credentialId: ULID?
            public var organisationId: ULID?
            public var clientId: String?
            public var clientSecret: SecretString?
            public init(
                credentialId: ULID? = nil, organisationId: ULID? = nil, clientId: String? = nil,
                clientSecret: SecretString? = nil
            ) {
                self.credentialId = credentialId
                self.organisationId = organisationId
                self.clientId = clientId
                self.clientSecret = clientSecret
            }
        }
    }
}
