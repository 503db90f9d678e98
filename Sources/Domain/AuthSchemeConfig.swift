/// How a connector authenticates (configuration only, never the credential itself).
public struct AuthSchemeConfig: Sendable, Equatable {
    /// Chosen by the client; unique within the list that holds it.
    public var id: String
    public var description: String
    public var scheme: Scheme

    public init(id: String, description: String, scheme: Scheme) {
        self.id = id
        self.description = description
        self.scheme = scheme
    }

    public enum SchemeType: String, Sendable, Hashable, CaseIterable {
        case none
        case apiKey = "api-key"
        case basicAuth = "basic-auth"
        case oauth2
        case hmac
        case certificate
        case jwtBearer = "jwt-bearer"
        case customFunction = "custom-function"
    }

    public enum Scheme: Sendable, Equatable {
        case none
        case apiKey(APIKey)
        case basicAuth
        case oauth2(OAuth2)
        case hmac(HMAC)
        case certificate
        case jwtBearer
        case customFunction
    }

    public var schemeType: SchemeType {
        switch scheme {
        case .none: .none
        case .apiKey: .apiKey
        case .basicAuth: .basicAuth
        case .oauth2: .oauth2
        case .hmac: .hmac
        case .certificate: .certificate
        case .jwtBearer: .jwtBearer
        case .customFunction: .customFunction
        }
    }

    /// Where an API key or HMAC signature goes (`AuthSchemeConfigAPIKeyIn` / `AuthSchemeConfigHMACIn`).
    public enum Location: String, Sendable, Hashable, CaseIterable { case query, header, cookie }

    public struct APIKey: Sendable, Equatable {
        public var name: String
        public var location: Location
        public init(name: String, location: Location) { self.name = name; self.location = location }
    }

    public struct HMAC: Sendable, Equatable {
        public enum Algorithm: String, Sendable, Hashable, CaseIterable { case sha1, sha256, sha512 }
        public enum DigestInput: String, Sendable, Hashable, CaseIterable { case body, url }
        public var name: String
        public var location: Location
        public var algorithm: Algorithm
        public var digestInputs: [DigestInput]
        public init(name: String, location: Location, algorithm: Algorithm, digestInputs: [DigestInput]) {
            self.name = name
            self.location = location
            self.algorithm = algorithm
            self.digestInputs = digestInputs
        }
    }
}

extension AuthSchemeConfig {
    /// The oauth2 settings when this is an oauth2 scheme (e.g. the `tokenUrl` an oauth2-code is exchanged at).
    public var oauth2: OAuth2? {
        if case .oauth2(let oauth2) = scheme { oauth2 } else { nil }
    }
}
