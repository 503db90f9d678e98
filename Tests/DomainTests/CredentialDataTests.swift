import Domain
import JSON
import Testing

/// Good and bad `data` for all eleven credential types, with exact field paths.
struct CredentialDataTests {
    static let schemeFor: [CredentialType: JSONValue] = [
        .none: Fixtures.scheme("none"), .string: Fixtures.scheme("api-key"), .binary: Fixtures.scheme("hmac"),
        .basicAuth: Fixtures.scheme("basic-auth"),
        .oauth2Client: Fixtures.scheme("oauth2", grant: "client_credentials"),
        .oauth2Code: Fixtures.scheme("oauth2"), .oauth2Password: Fixtures.scheme("oauth2", grant: "password"),
        .oauth2Token: Fixtures.scheme("oauth2"), .certificate: Fixtures.scheme("certificate"),
        .jwtBearer: Fixtures.scheme("jwt-bearer"), .customFunction: Fixtures.scheme("custom-function"),
    ]

    static func issues(_ type: CredentialType, _ data: JSONValue, keyMaterial: StubKeyMaterial = StubKeyMaterial())
        -> [ValidationIssue]
    {
        Fixtures.issues(
            Fixtures.body(action: [Fixtures.entry(scheme: schemeFor[type]!, credential: Fixtures.newCredential(type, data: data))]),
            keyMaterial: keyMaterial)
    }

    @Test(arguments: CredentialType.allCases)
    func goodDataIsAccepted(_ type: CredentialType) {
        #expect(Self.issues(type, Fixtures.goodData(type)) == [])
    }

    struct BadCase: Sendable, CustomStringConvertible {
        var type: CredentialType
        var data: JSONValue
        /// Expected field paths relative to `...credential.data`.
        var fields: [String]
        var description: String { "\(type.rawValue) \(fields)" }
    }

    static let badCases: [BadCase] = [
        BadCase(type: .none, data: ["value": "x"], fields: [".value"]),
        BadCase(type: .none, data: "", fields: [""]),
        BadCase(type: .string, data: [:], fields: [".value"]),
        BadCase(type: .string, data: ["value": 5], fields: [".value"]),
        BadCase(type: .string, data: ["value": ""], fields: [".value"]),
        BadCase(type: .binary, data: ["valueBase64": "abc"], fields: [".valueBase64"]),
        BadCase(type: .binary, data: ["valueBase64": "aGVsbG8*"], fields: [".valueBase64"]),
        BadCase(type: .basicAuth, data: ["username": "ada"], fields: [".password"]),
        BadCase(type: .basicAuth, data: ["username": "", "password": "p", "extra": true], fields: [".username", ".extra"]),
        BadCase(type: .oauth2Client, data: ["clientId": "c", "clientSecret": "s", "tokenUrl": "ftp://x/token"],
            fields: [".tokenUrl"]),
        BadCase(type: .oauth2Client,
            data: ["clientId": "c", "clientSecret": "s", "tokenUrl": "https://a.example/t", "authorizeUrl": "/relative",
                   "scopes": ["ok", 1], "mTLSEnabled": "yes", "mTLSCredentialId": "nope"],
            fields: [".authorizeUrl", ".scopes[1]", ".mTLSEnabled", ".mTLSCredentialId"]),
        BadCase(type: .oauth2Client, data: [:], fields: [".clientId", ".clientSecret", ".tokenUrl"]),
        BadCase(type: .oauth2Code, data: ["code": "a"], fields: [".state"]),
        BadCase(type: .oauth2Password, data: ["password": "p"], fields: [".username"]),
        BadCase(type: .oauth2Token, data: ["refreshToken": "r", "scopes": "read"], fields: [".scopes"]),
        BadCase(type: .oauth2Token, data: ["scopes": []], fields: [".refreshToken"]),
        BadCase(type: .oauth2Token, data: ["refreshToken": "r", "scopes": [], "expiresAt": "2026-13-01T00:00:00Z"],
            fields: [".expiresAt"]),
        BadCase(type: .oauth2Token, data: ["refreshToken": "r", "scopes": [], "expiresAt": "2026-11-29 03:35:06"],
            fields: [".expiresAt"]),
        BadCase(type: .certificate, data: ["certificate": "not pem", "key": .string(Fixtures.certificatePEM), "ca": ""],
            fields: [".certificate", ".key", ".ca"]),
        BadCase(type: .jwtBearer,
            data: ["algorithm": "ES256", "secret": "c2VjcmV0", "payload": "[1]", "expiresIn": "90",
                   "authorizationHeaderPrefix": "Bearer"],
            fields: [".algorithm", ".payload", ".expiresIn"]),
        BadCase(type: .jwtBearer, data: ["algorithm": "HS512", "secret": "not base64!", "payload": "{}", "expiresIn": "-1h"],
            fields: [".secret", ".expiresIn", ".authorizationHeaderPrefix"]),
        BadCase(type: .customFunction, data: ["functionUrl": "not a url"], fields: [".functionUrl"]),
        BadCase(type: .customFunction, data: ["data": "x"], fields: [".functionUrl"]),
    ]

    @Test(arguments: badCases)
    func badDataNamesEveryField(_ testCase: BadCase) {
        let issues = Self.issues(testCase.type, testCase.data)
        #expect(issues.map(\.field) == testCase.fields.map { Fixtures.dataPath + $0 })
    }

    @Test func certificateMismatchFromKeyMaterialIsReportedOnKey() {
        let keyMaterial = StubKeyMaterial(certificateAnswer: "the private key does not match the certificate")
        let issues = Self.issues(.certificate, Fixtures.goodData(.certificate), keyMaterial: keyMaterial)
        #expect(issues == [ValidationIssue(field: Fixtures.dataPath + ".key",
            message: "the private key does not match the certificate")])
    }

    @Test func rsaJWTSecretMustBeAUsableKey() {
        var data = Fixtures.goodData(.jwtBearer).objectValue!
        data["algorithm"] = "RS256"
        data["secret"] = .string(Fixtures.keySecret)
        #expect(Self.issues(.jwtBearer, .object(data)) == [])
        let keyMaterial = StubKeyMaterial(rsaKeyProblem: "must be an RSA key of 2048 to 4096 bits; this one has 1024")
        #expect(Self.issues(.jwtBearer, .object(data), keyMaterial: keyMaterial) == [ValidationIssue(
            field: Fixtures.dataPath + ".secret", message: "must be an RSA key of 2048 to 4096 bits; this one has 1024")])
    }

    /// HS* secrets are HMAC keys: the RSA check must not run on them.
    @Test func hmacJWTSecretIsNotCheckedAsAnRSAKey() {
        let keyMaterial = StubKeyMaterial(rsaKeyProblem: "must be an RSA private key")
        #expect(Self.issues(.jwtBearer, Fixtures.goodData(.jwtBearer), keyMaterial: keyMaterial) == [])
    }

    @Test func secretFieldsMatchTheContract() {
        let expected: [CredentialType: [String]] = [
            .none: [], .string: ["value"], .binary: ["valueBase64"], .basicAuth: ["password"],
            .oauth2Client: ["clientSecret"], .oauth2Code: ["code"], .oauth2Password: ["password"],
            .oauth2Token: ["refreshToken", "accessToken"], .certificate: ["key"], .jwtBearer: ["secret"],
            .customFunction: ["data"],
        ]
        for type in CredentialType.allCases { #expect(type.secretFields == expected[type], "\(type)") }
    }

    @Test(arguments: CredentialType.allCases)
    func validatedCredentialSplitsSecrets(_ type: CredentialType) throws {
        let data = Fixtures.goodData(type)
        let credential = try ValidatedCredential.validate(name: "c", type: type, data: data, keyMaterial: StubKeyMaterial())
        let given = data.objectValue!
        for (key, value) in given {
            if type.secretFields.contains(key) {
                #expect(credential.publicData[key] == "")
                #expect(credential.secretData[key] == value)
            } else {
                #expect(credential.publicData[key] == value)
                #expect(credential.secretData[key] == nil)
            }
        }
        #expect(credential.errors == [])
    }

    @Test func oauth2CodeMustBeExchanged() throws {
        let credential = try ValidatedCredential.validate(
            name: "c", type: .oauth2Code, data: Fixtures.goodData(.oauth2Code), keyMaterial: StubKeyMaterial())
        #expect(credential.disposition == .needsCodeExchange(code: SecretString("code-secret"), state: "xyz"))
        let token = try ValidatedCredential.validate(
            name: "c", type: .oauth2Token, data: ["refreshToken": "r", "scopes": []], keyMaterial: StubKeyMaterial())
        #expect(token.disposition == .store)
        #expect(token.publicData["tokenType"] == "Bearer")
    }

    /// The reference requires `state` but not a value: an authorization request sent without one gets none back.
    /// `code` must not be empty.
    @Test func oauth2CodeStateMayBeEmptyButNotAbsent() throws {
        let credential = try ValidatedCredential.validate(
            name: "c", type: .oauth2Code, data: ["code": "code-secret", "state": ""], keyMaterial: StubKeyMaterial())
        #expect(credential.disposition == .needsCodeExchange(code: SecretString("code-secret"), state: ""))
        #expect(Self.issues(.oauth2Code, ["code": "c"]).map(\.field) == [Fixtures.dataPath + ".state"])
        #expect(Self.issues(.oauth2Code, ["code": "", "state": ""]).map(\.field) == [Fixtures.dataPath + ".code"])
        #expect(Self.issues(.oauth2Code, ["code": "c", "state": 1]).map(\.field) == [Fixtures.dataPath + ".state"])
    }

    /// custom-function `data` is whatever JSON the function takes; it is secret whole, answered as "".
    @Test func customFunctionDataIsAnyJSONValueKeptSecret() throws {
        for value: JSONValue in ["text", 42, true, ["region": "eu", "keys": ["a", "b"]], ["x", 1]] {
            let credential = try ValidatedCredential.validate(
                name: "c", type: .customFunction, data: ["functionUrl": "https://fn.example.com/auth", "data": value],
                keyMaterial: StubKeyMaterial())
            #expect(credential.publicData["data"] == "")
            #expect(credential.secretData["data"] == value)
        }
    }

    @Test func validateUsesTheGivenPathPrefix() {
        #expect(throws: ValidationFailure(issues: [ValidationIssue(field: "token.scopes", message: "is required")])) {
            try ValidatedCredential.validate(
                name: "c", type: .oauth2Token, data: ["refreshToken": "r"], at: "token", keyMaterial: StubKeyMaterial())
        }
    }
}
