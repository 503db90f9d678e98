import Domain
import JSON
import Testing

/// Printing, dumping or interpolating values that hold secrets never reveals them.
struct SecretPrintingTests {
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped]
    }

    @Test func secretStringPrintsStars() {
        let secret = SecretString("hunter2")
        #expect(secret.description == "****")
        #expect(secret.debugDescription == "****")
        for text in Self.renderings(secret) { #expect(!text.contains("hunter2")) }
        #expect(secret.exposedValue == "hunter2")
    }

    @Test(arguments: CredentialType.allCases)
    func validatedCredentialNeverPrintsSecrets(_ type: CredentialType) throws {
        let credential = try ValidatedCredential.validate(
            name: "c", type: type, data: Fixtures.goodData(type), keyMaterial: StubKeyMaterial())
        let request = try CreateEndUserConnectionRequest.decode(
            Fixtures.body(action: [Fixtures.entry(
                scheme: Fixtures.scheme(CompatibilityMatrixTests.schemes.first { $0.accepted.contains(type) }!.type,
                    grant: CompatibilityMatrixTests.schemes.first { $0.accepted.contains(type) }!.grant),
                credential: Fixtures.newCredential(type))]),
            keyMaterial: StubKeyMaterial())
        for (_, secret) in credential.secretData {
            guard case .string(let text) = secret else { continue }
            for rendering in Self.renderings(credential) + Self.renderings(request) {
                #expect(!rendering.contains(text), "\(type) leaked a secret")
            }
        }
    }

    @Test func grantClientSecretIsHiddenInPrintsAndOutput() throws {
        var scheme = Fixtures.scheme("oauth2").objectValue!
        scheme["grant"] = ["grantType": "password", "clientId": "id", "clientSecret": "grant-secret"]
        let config = try AuthSchemeConfig.decode(.object(scheme))
        for text in Self.renderings(config) { #expect(!text.contains("grant-secret")) }
        let output = String(decoding: config.jsonValue().serialized(), as: UTF8.self)
        #expect(!output.contains("grant-secret"))
        #expect(try AuthSchemeConfig.decode(config.jsonValue(includingSecrets: true)) == config)
    }

    @Test func validationFailuresNeverQuoteValues() {
        let issues = Fixtures.issues(Fixtures.body(action: [Fixtures.entry(
            scheme: Fixtures.scheme("hmac"), credential: Fixtures.newCredential(.binary, data: ["valueBase64": "s3cr3t!"]))]))
        #expect(issues.count == 1)
        #expect(!ValidationFailure(issues: issues).description.contains("s3cr3t"))
    }
}
