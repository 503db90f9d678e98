import Domain
import JSON
import Testing

struct ConnectionCreateTests {
    static let goodEntry = Fixtures.entry(scheme: Fixtures.scheme("api-key"), credential: Fixtures.newCredential(.string))

    @Test func decodesAFullRequest() throws {
        let body = Fixtures.body(action: [Self.goodEntry], variables: [["name": "region", "value": "eu"]])
        let request = try CreateEndUserConnectionRequest.decode(body, keyMaterial: StubKeyMaterial())
        #expect(request.connectorId.string == "01JDQ8Z7M4V3X2W1T0S9R8Q7P6")
        #expect(request.connection.name == "primary")
        #expect(request.connection.variables == [ConnectionVariable(name: "region", value: "eu")])
        let binding = try #require(request.connection.action.first)
        #expect(binding.authSchemeConfig.scheme == .apiKey(.init(name: "X-Key", location: .header)))
        #expect(binding.credentialField == "connection.credentials.action[0].credential")
        guard case .new(let credential) = binding.credential else { Issue.record("expected a new credential"); return }
        #expect(credential.publicData == JSONObject([("value", "")]))
        #expect(credential.secretData == JSONObject([("value", "api-key-secret")]))
    }

    /// An oauth2-code is exchanged with its grant's client: a credentialId, or a non-empty clientId and
    /// clientSecret. Without one the body is refused while decoding, before App reads or writes anything.
    static let codeExchangeGrants: [(grant: JSONValue, accepted: Bool)] = [
        (["grantType": "authorization_code"], false),
        (["grantType": "authorization_code", "clientId": "id"], false),
        (["grantType": "authorization_code", "clientId": "id", "clientSecret": ""], false),
        (["grantType": "authorization_code", "clientId": "", "clientSecret": "secret"], false),
        (["grantType": "authorization_code", "clientId": "id", "clientSecret": "secret"], true),
        (["grantType": "authorization_code", "credentialId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"], true),
    ]

    @Test(arguments: codeExchangeGrants)
    func anOAuth2CodeNeedsAClientToBeExchangedWith(grant: JSONValue, accepted: Bool) {
        var scheme = Fixtures.scheme("oauth2", id: "s2").objectValue!
        scheme["grant"] = grant
        let body = Fixtures.body(trigger: [
            Fixtures.entry(scheme: Fixtures.scheme("api-key"), credential: Fixtures.newCredential(.string)),
            Fixtures.entry(scheme: .object(scheme), credential: Fixtures.newCredential(.oauth2Code)),
        ])
        let expected = accepted ? [] : [ValidationIssue(
            field: "connection.credentials.trigger[1].authSchemeConfig.grant.clientId",
            message: "an oauth2-code credential needs the grant's clientId and clientSecret, "
                + "or a credentialId naming an oauth2-client credential")]
        #expect(Fixtures.issues(body) == expected)
    }

    @Test func variablesMayBeOmittedAndValidationMessagesAreIgnored() throws {
        var scheme = Fixtures.scheme("api-key").objectValue!
        scheme["validationMessages"] = [["text": "client said", "severity": "info"]]
        let body = Fixtures.body(action: [Fixtures.entry(scheme: .object(scheme), credential: Fixtures.newCredential(.string))])
        let request = try CreateEndUserConnectionRequest.decode(body, keyMaterial: StubKeyMaterial())
        #expect(request.connection.variables == [])
    }

    static let unknownFieldCases: [(body: JSONValue, field: String)] = {
        func with(_ body: JSONValue, _ edit: (inout JSONObject) -> Void) -> JSONValue {
            var object = body.objectValue!
            edit(&object)
            return .object(object)
        }
        let base = Fixtures.body(action: [goodEntry])
        var schemeWithExtra = Fixtures.scheme("api-key").objectValue!
        schemeWithExtra["colour"] = "blue"
        var credentialWithExtra = Fixtures.newCredential(.string).objectValue!
        credentialWithExtra["note"] = "x"
        var grantWithExtra = Fixtures.scheme("oauth2").objectValue!
        grantWithExtra["grant"] = ["grantType": "authorization_code", "audience": "x"]
        return [
            (with(base) { $0["extra"] = 1 }, "extra"),
            (with(base) { $0["connection"] = with($0["connection"]!) { $0["extra"] = 1 } }, "connection.extra"),
            (Fixtures.body(action: [Fixtures.entry(scheme: .object(schemeWithExtra), credential: Fixtures.newCredential(.string))]),
             "connection.credentials.action[0].authSchemeConfig.colour"),
            (Fixtures.body(action: [Fixtures.entry(scheme: Fixtures.scheme("api-key"), credential: .object(credentialWithExtra))]),
             "connection.credentials.action[0].credential.note"),
            (Fixtures.body(action: [Fixtures.entry(scheme: Fixtures.scheme("api-key"),
                credential: Fixtures.newCredential(.string, data: ["value": "v", "other": "w"]))]),
             "connection.credentials.action[0].credential.data.other"),
            (Fixtures.body(trigger: [Fixtures.entry(scheme: .object(grantWithExtra), credential: Fixtures.newCredential(.oauth2Token))]),
             "connection.credentials.trigger[0].authSchemeConfig.grant.audience"),
            (Fixtures.body(action: [goodEntry], variables: [["name": "a", "value": "b", "secret": true]]),
             "connection.variables[0].secret"),
            (Fixtures.body(action: [Fixtures.entry(scheme: Fixtures.scheme("api-key"),
                credential: ["id": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6", "name": "x"])]),
             "connection.credentials.action[0].credential.name"),
        ]
    }()

    @Test(arguments: unknownFieldCases)
    func unknownFieldsAreRejectedByPath(_ testCase: (body: JSONValue, field: String)) {
        #expect(Fixtures.issues(testCase.body) == [ValidationIssue(field: testCase.field, message: "unknown field")])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let body: JSONValue = [
            "connectorId": "not-a-ulid",
            "connection": [
                "name": "",
                "variables": [["name": "a", "value": "1"], ["name": "a", "value": "2"], ["name": "", "value": "3"]],
                "credentials": ["action": [
                    Fixtures.entry(scheme: ["id": "s", "schemeType": "api-key", "in": "body"], credential: ["name": "c", "type": "pgp", "data": [:]])
                ]],
            ],
        ]
        #expect(Fixtures.issues(body).map(\.field) == [
            "connectorId", "connection.name", "connection.variables[1].name", "connection.variables[2].name",
            "connection.credentials.action[0].authSchemeConfig.description",
            "connection.credentials.action[0].authSchemeConfig.name",
            "connection.credentials.action[0].authSchemeConfig.in",
            "connection.credentials.action[0].credential.type",
        ])
    }

    @Test func atLeastOneCredentialIsRequired() {
        #expect(Fixtures.issues(Fixtures.body()) == [ValidationIssue(
            field: "connection.credentials", message: "must contain at least one credential in action or trigger")])
        let missing: JSONValue = ["connectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6", "connection": ["name": "n"]]
        #expect(Fixtures.issues(missing) == [ValidationIssue(field: "connection.credentials", message: "is required")])
    }

    @Test func schemeIdsMustBeUniqueWithinAList() {
        let body = Fixtures.body(action: [Self.goodEntry, Self.goodEntry], trigger: [Self.goodEntry])
        #expect(Fixtures.issues(body).map(\.field) == ["connection.credentials.action[1].authSchemeConfig.id"])
    }

    @Test func wrongJSONTypesAreNamed() {
        let body: JSONValue = ["connectorId": 7, "connection": ["name": ["x"], "variables": "none", "credentials": []]]
        #expect(Fixtures.issues(body) == [
            ValidationIssue(field: "connectorId", message: "must be a string, not number"),
            ValidationIssue(field: "connection.name", message: "must be a string, not array"),
            ValidationIssue(field: "connection.variables", message: "must be an array, not string"),
            ValidationIssue(field: "connection.credentials", message: "must be an object, not array"),
        ])
        #expect(Fixtures.issues([1]) == [ValidationIssue(field: "", message: "must be an object, not array")])
    }

    @Test func limitsAreEnforced() {
        let longName = JSONValue.string(String(repeating: "n", count: ValidationLimits.maxStringLength + 1))
        var body = Fixtures.body(action: [Self.goodEntry]).objectValue!
        var connection = body["connection"]!.objectValue!
        connection["name"] = longName
        body["connection"] = .object(connection)
        #expect(Fixtures.issues(.object(body)) == [
            ValidationIssue(field: "connection.name", message: "must be at most 1024 characters")
        ])

        let tooManyVariables = JSONValue.array((0...ValidationLimits.maxVariables).map { ["name": .string("v\($0)"), "value": ""] })
        #expect(Fixtures.issues(Fixtures.body(action: [Self.goodEntry], variables: tooManyVariables)).map(\.field)
            == ["connection.variables"])

        let entries = (0...ValidationLimits.maxCredentialsPerList).map {
            Fixtures.entry(scheme: Fixtures.scheme("api-key", id: "s\($0)"), credential: Fixtures.newCredential(.string))
        }
        #expect(Fixtures.issues(Fixtures.body(action: entries)).map(\.field) == ["connection.credentials.action"])

        let bigSecret = JSONValue.string(String(repeating: "s", count: ValidationLimits.maxPayloadLength))
        #expect(Fixtures.issues(Fixtures.body(action: [Fixtures.entry(
            scheme: Fixtures.scheme("api-key"), credential: Fixtures.newCredential(.string, data: ["value": bigSecret]))])) == [])
        let tooBig = JSONValue.string(String(repeating: "s", count: ValidationLimits.maxPayloadLength + 1))
        #expect(Fixtures.issues(Fixtures.body(action: [Fixtures.entry(
            scheme: Fixtures.scheme("api-key"), credential: Fixtures.newCredential(.string, data: ["value": tooBig]))])).map(\.field)
            == [Fixtures.dataPath + ".value"])
    }
}
