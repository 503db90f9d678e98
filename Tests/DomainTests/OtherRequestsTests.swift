import Domain
import JSON
import Testing

struct OtherRequestsTests {
    static let connection: JSONValue = [
        "name": "primary",
        "credentials": ["action": [Fixtures.entry(scheme: Fixtures.scheme("none"), credential: Fixtures.newCredential(.none))]],
    ]

    @Test func endUserCreateDecodesPrimaryConnectionWithPaths() throws {
        let user = try EndUserCreate.decode(["externalId": "ext-1", "primaryConnection": Self.connection],
            keyMaterial: StubKeyMaterial())
        #expect(user.externalId == "ext-1")
        #expect(user.displayName == nil)
        #expect(user.primaryConnection.action.count == 1)
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "externalId", message: "is required"),
            ValidationIssue(field: "primaryConnection.name", message: "is required"),
        ])) {
            var broken = Self.connection.objectValue!
            broken["name"] = nil
            _ = try EndUserCreate.decode(["primaryConnection": .object(broken)], keyMaterial: StubKeyMaterial())
        }
    }

    @Test func hubCreateAndUpdate() throws {
        let hub = try HubCreate.decode([
            "name": "Hub", "primaryConnectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6",
            "authSchemeConfig": Fixtures.scheme("basic-auth"),
        ])
        #expect(hub.organisationId == nil)
        #expect(hub.authSchemeConfig.scheme == .basicAuth)
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "primaryConnectorId", message: "must be a ULID (26 Crockford base32 characters)"),
            ValidationIssue(field: "authSchemeConfig.schemeType", message:
                "must be one of: none, api-key, basic-auth, oauth2, hmac, certificate, jwt-bearer, custom-function"),
        ])) {
            _ = try HubCreate.decode(["name": "Hub", "primaryConnectorId": "x",
                "authSchemeConfig": ["id": "a", "description": "", "schemeType": "magic"]])
        }
        #expect(try HubUpdate.decode([:]) == HubUpdate(name: nil, isDefault: nil))
        #expect(try HubUpdate.decode(["name": "New", "isDefault": true]) == HubUpdate(name: "New", isDefault: true))
        #expect(throws: ValidationFailure(issues: [ValidationIssue(field: "isDefault", message: "must be a boolean, not string"),
            ValidationIssue(field: "id", message: "unknown field")])) {
            _ = try HubUpdate.decode(["isDefault": "yes", "id": "x"])
        }
    }

    @Test func connectorCreate() throws {
        let connector = try ConnectorCreate.decode([
            "name": "Shop", "baseUrl": "https://api.shop.example/v1",
            "authSchemeConfigs": [Fixtures.scheme("api-key", id: "k"), Fixtures.scheme("oauth2", grant: "client_credentials", id: "o")],
            "connectionVariables": [["name": "region", "value": "eu"]],
            "tags": ["team": ["a", "b"]], "public": true,
        ])
        #expect(connector.authSchemeConfigs.map(\.id) == ["k", "o"])
        #expect(connector.tags == ["team": ["a", "b"]])
        #expect(connector.isPublic)
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "baseUrl", message: "must be an absolute http(s) URL"),
            ValidationIssue(field: "authSchemeConfigs[1].id", message: "duplicates another authSchemeConfig's id"),
            ValidationIssue(field: "connectionVariables[1].name", message: "duplicates another variable's name"),
        ])) {
            _ = try ConnectorCreate.decode([
                "name": "Shop", "baseUrl": "api.shop.example",
                "authSchemeConfigs": [Fixtures.scheme("none"), Fixtures.scheme("basic-auth")],
                "connectionVariables": [["name": "a", "value": ""], ["name": "a", "value": ""]],
            ])
        }
    }

    /// Tags are read member by member (their keys are the caller's): every bad value is reported at its path,
    /// and a thousand tags decode without one of them being taken for an unknown field.
    @Test func connectorTagsAreCheckedMemberByMember() throws {
        let base: [(String, JSONValue)] = [
            ("name", "Shop"), ("baseUrl", "https://api.shop.example/v1"), ("authSchemeConfigs", [Fixtures.scheme("none")]),
        ]
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "tags.b[1]", message: "must be a string of at most \(ValidationLimits.maxStringLength) characters"),
            ValidationIssue(field: "tags.c", message: "must be an array, not null"),
        ])) {
            _ = try ConnectorCreate.decode(.object(JSONObject(base + [("tags", ["a": ["x"], "b": ["y", 1], "c": nil])])))
        }
        let many = JSONObject((0..<1000).map { ("tag\($0)", [.string("v\($0)")]) })
        let connector = try ConnectorCreate.decode(.object(JSONObject(base + [("tags", .object(many))])))
        #expect(connector.tags.count == 1000)
        #expect(connector.tags["tag999"] == ["v999"])
    }

    static let schemeTypes: [(String, String?)] = [
        ("none", nil), ("api-key", nil), ("basic-auth", nil), ("oauth2", "authorization_code"),
        ("oauth2", "client_credentials"), ("oauth2", "password"), ("hmac", nil), ("certificate", nil),
        ("jwt-bearer", nil), ("custom-function", nil),
    ]

    @Test(arguments: schemeTypes)
    func authSchemeConfigRoundTripsThroughJSON(type: String, grant: String?) throws {
        let json = Fixtures.scheme(type, grant: grant)
        let config = try AuthSchemeConfig.decode(json)
        #expect(config.jsonValue() == json)
        let withMessages = config.jsonValue(validationMessages: [Message(text: "ok", severity: .info)])
        #expect(withMessages.objectValue?["validationMessages"] == [["text": "ok", "severity": "info", "detail": []]])
        #expect(try AuthSchemeConfig.decode(withMessages) == config)
        #expect((config.oauth2?.tokenUrl != nil) == (type == "oauth2"))
    }

    @Test func hmacAndOAuth2FieldsAreChecked() {
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "algorithm", message: "must be one of: sha1, sha256, sha512"),
            ValidationIssue(field: "digestInputs[1]", message: "must be one of: body, url"),
        ])) {
            _ = try AuthSchemeConfig.decode(["id": "h", "description": "", "schemeType": "hmac", "name": "X",
                "in": "query", "algorithm": "md5", "digestInputs": ["url", "headers"]])
        }
        #expect(throws: ValidationFailure(issues: [
            ValidationIssue(field: "cfg.tokenUrl", message: "must be an absolute http(s) URL"),
            ValidationIssue(field: "cfg.scopes[0].name", message: "is required"),
            ValidationIssue(field: "cfg.defaultScopes", message: "is required"),
            ValidationIssue(field: "cfg.grant.grantType", message: "must be one of: authorization_code, client_credentials, password"),
        ])) {
            _ = try AuthSchemeConfig.decode(["id": "o", "description": "", "schemeType": "oauth2", "authorizeUrl": "",
                "tokenUrl": "localhost/token", "scopes": [[:]], "grant": ["grantType": "implicit"]], at: "cfg")
        }
    }
}
