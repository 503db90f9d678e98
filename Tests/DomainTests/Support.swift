import Domain
import JSON

/// A `KeyMaterialChecking` double: answers are fixed per instance.
struct StubKeyMaterial: KeyMaterialChecking {
    var certificateAnswer: String? = nil
    var rsaKeyProblem: String? = nil

    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? {
        certificateAnswer
    }
    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? { rsaKeyProblem }
}

enum Fixtures {
    static let certificatePEM = "-----BEGIN CERTIFICATE-----\nTUlJQmZha2VjZXJ0\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFO\n-----END PRIVATE KEY-----\n"
    static let keySecret = "TUlJRXZRSUJBREFO"

    /// Valid `data` for every credential type.
    static func goodData(_ type: CredentialType) -> JSONValue {
        switch type {
        case .none: [:]
        case .string: ["value": "api-key-secret"]
        case .binary: ["valueBase64": "aGVsbG8="]
        case .basicAuth: ["username": "ada", "password": "pw-secret"]
        case .oauth2Client:
            ["clientId": "client", "clientSecret": "client-secret", "tokenUrl": "https://auth.example.com/token"]
        case .oauth2Code: ["code": "code-secret", "state": "xyz"]
        case .oauth2Password: ["username": "ada", "password": "pw-secret"]
        case .oauth2Token:
            ["refreshToken": "refresh-secret", "accessToken": "access-secret", "scopes": ["read"],
             "expiresAt": "2026-11-29T03:35:06Z"]
        case .certificate: ["certificate": .string(certificatePEM), "key": .string(keyPEM), "ca": .string(certificatePEM)]
        case .jwtBearer:
            ["algorithm": "HS256", "secret": "c2VjcmV0", "payload": #"{"iss":"x"}"#, "expiresIn": "1h30m",
             "authorizationHeaderPrefix": "Bearer"]
        case .customFunction: ["functionUrl": "https://fn.example.com/auth", "data": "fn-secret"]
        }
    }

    static func scheme(_ type: String, grant: String? = nil, id: String = "s1") -> JSONValue {
        var object = JSONObject([("id", .string(id)), ("description", "test"), ("schemeType", .string(type))])
        switch type {
        case "api-key":
            object["name"] = "X-Key"
            object["in"] = "header"
        case "hmac":
            object["name"] = "X-Sig"
            object["in"] = "header"
            object["algorithm"] = "sha256"
            object["digestInputs"] = ["body"]
        case "oauth2":
            object["authorizeUrl"] = "https://auth.example.com/authorize"
            object["tokenUrl"] = "https://auth.example.com/token"
            object["scopes"] = [["name": "read"]]
            object["defaultScopes"] = ["read"]
            if let grant, grant != "authorization_code" {
                object["grant"] = ["grantType": .string(grant)]
            } else {
                // An authorization_code grant names its client, which an oauth2-code needs to be exchanged.
                object["grant"] = ["grantType": "authorization_code", "credentialId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"]
            }
        default: break
        }
        return .object(object)
    }

    static func entry(scheme: JSONValue, credential: JSONValue) -> JSONValue {
        ["authSchemeConfig": scheme, "credential": credential]
    }

    static func newCredential(_ type: CredentialType, data: JSONValue? = nil) -> JSONValue {
        ["name": "cred", "type": .string(type.rawValue), "data": data ?? goodData(type)]
    }

    static func body(action: [JSONValue] = [], trigger: [JSONValue] = [], variables: JSONValue? = nil) -> JSONValue {
        var connection = JSONObject([
            ("name", "primary"), ("credentials", ["action": .array(action), "trigger": .array(trigger)]),
        ])
        connection["variables"] = variables
        return ["connectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6", "connection": .object(connection)]
    }

    /// The issues from decoding `body`, or [] when it decodes.
    static func issues(_ body: JSONValue, keyMaterial: StubKeyMaterial = StubKeyMaterial()) -> [ValidationIssue] {
        do {
            _ = try CreateEndUserConnectionRequest.decode(body, keyMaterial: keyMaterial)
            return []
        } catch {
            return error.issues
        }
    }

    static let dataPath = "connection.credentials.action[0].credential.data"
}
