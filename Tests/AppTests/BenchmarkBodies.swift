import Domain
import JSON

/// CreateEndUserConnection bodies for CredentialValidationBenchmark: one new credential of the given type with
/// realistically sized values (40-character API keys, a ~1 KB access token, an RSA-2048 key), bound to a scheme
/// that accepts it.
enum BenchmarkBodies {
    static func createConnection(_ type: CredentialType) -> JSONValue {
        let credential: JSONValue = [
            "name": .string("bench \(type.rawValue)"), "type": .string(type.rawValue), "data": data(type),
        ]
        return [
            "connectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6",
            "connection": Bodies.connection(name: "primary", action: [Bodies.entry(scheme(for: type), credential)]),
        ]
    }

    static func data(_ type: CredentialType) -> JSONValue {
        switch type {
        case .none: [:]
        case .string: ["value": "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ2kX9vPb"]
        case .binary: ["valueBase64": "q8Jm1x4uR0mZ3vYw9b2T6kP5nL7cV1sE8hA0dG3fJ2Q="]
        case .basicAuth, .oauth2Password:
            ["username": "ada.lovelace@example.com", "password": "correct-horse-battery-9"]
        case .oauth2Client:
            [
                "clientId": "bench-client-7f3a", "clientSecret": "cs_9Q2mV7xK4pL1sR8tW3yZ6bN0cF5hJ2dG",
                "tokenUrl": "https://auth.example.com/oauth/token", "scopes": ["read", "write"], "mTLSEnabled": false,
            ]
        case .oauth2Code: ["code": "SplxlOBeZQQYbYS6WxSbIA0dG3fJ2QmV7xK4pL1s", "state": "af0ifjsldkj-9Q2mV7xK4pL1sR8t"]
        case .oauth2Token:
            [
                "accessToken": .string(accessToken), "refreshToken": "rt_8xLmQ2vN7pK4sR1tW9yZ3bC6dF0hJ5gA2eU8iO4kM7nP",
                "scopes": ["read", "write"], "tokenType": "Bearer", "expiresAt": "2026-11-29T10:35:06Z",
            ]
        case .certificate:
            [
                "certificate": .string(BenchmarkKeyMaterial.clientCertificatePEM),
                "key": .string(BenchmarkKeyMaterial.clientKeyPEM), "ca": .string(BenchmarkKeyMaterial.caPEM),
            ]
        case .jwtBearer:
            [
                "algorithm": "RS256", "secret": .string(BenchmarkKeyMaterial.clientKeyDERBase64),
                "payload": #"{"iss":"bench-client@example.com","sub":"user-00001","aud":"https://api.example.com"}"#,
                "expiresIn": "1h", "authorizationHeaderPrefix": "Bearer",
            ]
        case .customFunction:
            ["functionUrl": "https://fn.example.com/auth", "data": ["apiKey": "fk_2mV7xK4pL1sR8tW3", "tenant": "acme"]]
        }
    }

    /// A scheme of the type the contract's compatibility table pairs with `type`.
    static func scheme(for type: CredentialType) -> JSONValue {
        let schemeType: String
        switch type {
        case .none: schemeType = "none"
        case .string: return Bodies.apiKeyScheme("bench")
        case .binary:
            return [
                "id": "bench", "description": "", "schemeType": "hmac", "name": "X-Signature", "in": "header",
                "algorithm": "sha256", "digestInputs": ["body"],
            ]
        case .basicAuth: return Bodies.basicScheme("bench")
        case .oauth2Client: return oauth2Scheme(grant: ["grantType": "client_credentials"])
        case .oauth2Password: return oauth2Scheme(grant: ["grantType": "password", "clientId": "bench-client-7f3a"])
        case .oauth2Code, .oauth2Token:
            return oauth2Scheme(grant: ["grantType": "authorization_code", "clientId": "bench-client-7f3a"])
        case .certificate, .jwtBearer, .customFunction: schemeType = type.rawValue
        }
        return ["id": "bench", "description": "", "schemeType": .string(schemeType)]
    }

    private static func oauth2Scheme(grant: JSONValue) -> JSONValue {
        [
            "id": "bench", "description": "OAuth 2.0", "schemeType": "oauth2",
            "authorizeUrl": "https://auth.example.com/oauth/authorize",
            "tokenUrl": "https://auth.example.com/oauth/token",
            "scopes": [["name": "read"], ["name": "write"]], "defaultScopes": ["read"], "mtlsEnabled": false,
            "grant": grant,
        ]
    }

    /// A JWT-shaped access token of about 1 KB, the size identity providers commonly issue.
    private static let accessToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIn0."
        + String(repeating: "eyJzdWIiOiJ1c2VyLTAwMDAxIiwic2NvcGUiOiJyZWFkIHdyaXRlIn0", count: 12) + "."
        + String(repeating: "Q2kX9vPb4eC39HqLyjWDarjtT1zdp7dc", count: 11)
}
