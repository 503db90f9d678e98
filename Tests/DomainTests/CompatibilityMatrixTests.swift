import Domain
import JSON
import Testing

/// Every scheme (and oauth2 grant) against every credential type, per the contract's table.
struct CompatibilityMatrixTests {
    struct Scheme: CustomStringConvertible, Sendable {
        var type: String
        var grant: String?
        var accepted: Set<CredentialType>
        var description: String { grant.map { "\(type)/\($0)" } ?? type }
    }

    static let schemes: [Scheme] = [
        Scheme(type: "none", accepted: [.none]),
        Scheme(type: "api-key", accepted: [.string]),
        Scheme(type: "basic-auth", accepted: [.basicAuth]),
        Scheme(type: "oauth2", grant: "client_credentials", accepted: [.oauth2Client]),
        Scheme(type: "oauth2", grant: "password", accepted: [.oauth2Password]),
        Scheme(type: "oauth2", grant: "authorization_code", accepted: [.oauth2Code, .oauth2Token]),
        Scheme(type: "hmac", accepted: [.string, .binary]),
        Scheme(type: "certificate", accepted: [.certificate]),
        Scheme(type: "jwt-bearer", accepted: [.jwtBearer]),
        Scheme(type: "custom-function", accepted: [.customFunction]),
    ]

    @Test func thereAreElevenCredentialTypes() {
        #expect(CredentialType.allCases.map(\.rawValue) == [
            "none", "string", "binary", "basic-auth", "oauth2-client", "oauth2-code", "oauth2-password",
            "oauth2-token", "certificate", "jwt-bearer", "custom-function",
        ])
    }

    @Test(arguments: schemes, CredentialType.allCases)
    func schemeAcceptsExactlyItsTypes(scheme: Scheme, type: CredentialType) {
        let body = Fixtures.body(action: [
            Fixtures.entry(scheme: Fixtures.scheme(scheme.type, grant: scheme.grant), credential: Fixtures.newCredential(type))
        ])
        let issues = Fixtures.issues(body)
        if scheme.accepted.contains(type) {
            #expect(issues == [])
        } else {
            #expect(issues.map(\.field) == ["connection.credentials.action[0].credential.type"])
            #expect(issues.first?.message.contains("cannot be used with schemeType \(scheme.type)") == true)
        }
    }

    @Test func referencedCredentialTypeIsCheckedByApp() throws {
        let body = Fixtures.body(trigger: [
            Fixtures.entry(scheme: Fixtures.scheme("api-key"), credential: ["id": "01jdq8z7m4v3x2w1t0s9r8q7p6"])
        ])
        let request = try CreateEndUserConnectionRequest.decode(body, keyMaterial: StubKeyMaterial())
        let binding = try #require(request.connection.trigger.first)
        #expect(binding.credential == .reference(ULID("01JDQ8Z7M4V3X2W1T0S9R8Q7P6")!))
        #expect(binding.referencedTypeIssue(.string) == nil)
        #expect(binding.referencedTypeIssue(.basicAuth) == ValidationIssue(
            field: "connection.credentials.trigger[0].credential",
            message: "credential type basic-auth cannot be used with schemeType api-key (allowed: string)"))
    }
}
