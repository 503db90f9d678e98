@testable import App
import Cryptography
import Domain
import HTTP1
import JSON
import TestSupport
import Testing

/// The placeholder image: served without authentication, and answered wherever an `imageUrl` was not given.
@Suite(.enabled(if: TestApp.isAvailable)) struct IntegrationPlaceholderImageTests {
    @Test func servedWithoutAuthenticationAndCacheable() async throws {
        try await withTestApp { app in
            let response = try await app.request(.GET, PlaceholderImage.path)
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "image/svg+xml")
            #expect(response.headers["Cache-Control"] == "public, max-age=86400")
            #expect(response.text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && response.text.hasSuffix("</svg>"))
            // Without PUBLIC_BASE_URL the answered URL is the same image inline.
            let inline = PlaceholderImage(publicBaseURL: nil).url
            let prefix = "data:image/svg+xml;base64,"
            #expect(inline.hasPrefix(prefix))
            #expect(Base64.decode(String(inline.dropFirst(prefix.count))) == response.body)
        }
    }

    @Test func withPublicBaseURLEveryMissingImageIsTheServedOne() async throws {
        try await withIsolatedTestApp(configure: { $0.publicBaseURL = "https://api.example.com" }) { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let expected: JSONValue = "https://api.example.com/images/placeholder.svg"
            #expect(try await app.expect(200, .GET, "/o/\(org.id)/connectors/\(connector)", org)["imageUrl"] == expected)
            #expect(try await app.expect(200, .GET, "/hubs/\(hub)", org)["primaryConnector"]?["imageUrl"] == expected)
            let integration = try await app.createIntegration(org, hub: hub)
            #expect(integration["imageUrl"] == expected)
            let template = try await app.expect(200, .POST, "/integrations/\(try integration.string("id"))/connection-templates", org, [
                "connectorId": .string(connector), "authSchemeConfig": ["id": "n", "description": "", "schemeType": "none"],
            ])
            #expect(template["imageUrl"] == expected)
        }
    }

    @Test func connectorImageIsKeptAndAnsweredAndMustBeAbsolute() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let path = "/o/\(org.id)/protocols/http/connectors"
            let body: JSONValue = ["name": "c", "baseUrl": "https://api.example.com", "authSchemeConfigs": [], "imageUrl": "icon.png"]
            #expect(try await app.request(.POST, path, headers: org.auth, json: body).refusal == Refusal(400, "400002", ["imageUrl"]))
            #expect(try await app.count("connectors", of: org) == 0)
            let created = try await app.expect(201, .POST, path, org, [
                "name": "c", "baseUrl": "https://api.example.com", "authSchemeConfigs": [],
                "imageUrl": "https://cdn.example.com/c.png",
            ])
            #expect(created["imageUrl"] == "https://cdn.example.com/c.png")
            let hub = try await app.createHub(org, connectorID: try created.string("id"))
            #expect(try await app.expect(200, .GET, "/hubs/\(hub)", org)["primaryConnector"]?["imageUrl"] == "https://cdn.example.com/c.png")
        }
    }
}

/// The integration checks that need no database.
@Suite struct IntegrationRulesTests {
    @Test func schemaRefusalsNameEachKeywordUnderVariablesSchema() {
        #expect(throws: Never.self) { try IntegrationRules.compiledSchema(["type": "object", "properties": ["a": ["format": "email"]]]) }
        do {
            _ = try IntegrationRules.compiledSchema(["properties": ["a": ["$ref": "#/x"]], "format": "ipv4"])
            Issue.record("compiled a schema with $ref and format ipv4")
        } catch {
            #expect(error.code == .unsupportedVariablesSchema && error.status == .badRequest)
            #expect(error.fields.map(\.field) == ["variablesSchema.properties.a.$ref", "variablesSchema.format"])
        }
    }

    @Test func templatesNotOfTheIntegrationAreNamedByIndex() {
        let strays = IntegrationRules.templatesNotOf(templates: ["A", "B"], requested: ["B", "C", "A", "D"])
        #expect(strays.map(\.field) == ["usedConnectionTemplates[1]", "usedConnectionTemplates[3]"])
        #expect(IntegrationRules.templatesNotOf(templates: ["A"], requested: []).isEmpty)
        #expect(IntegrationRules.templatesNotOf(templates: [], requested: ["A"]).count == 1)
    }

    @Test func updateDecoderTellsClearingFromLeavingTheSchema() throws {
        #expect(try IntegrationUpdate.decode(["variablesSchema": nil]).variablesSchema == .cleared)
        #expect(try IntegrationUpdate.decode([:]).variablesSchema == .unchanged)
        #expect(try IntegrationUpdate.decode(["variablesSchema": ["type": "object"]]).variablesSchema == .replaced(["type": "object"]))
        #expect(throws: ValidationFailure.self) { try IntegrationUpdate.decode(["boardId": nil]) }
    }

    @Test func imageURLsMustBeAbsoluteURIs() throws {
        let base: [(String, JSONValue)] = [("organisationId", .string(ULID.generate().string)), ("name", "n")]
        for good in ["https://cdn.example.com/a.png?size=64#top", "data:image/png;base64,AAAA"] {
            #expect(try IntegrationCreate.decode(.object(JSONObject(base + [("imageUrl", .string(good))]))).imageUrl == good)
        }
        for bad in ["", "a.png", "/a.png", "//cdn.example.com/a.png", "https://cdn example.com/a.png"] {
            #expect(throws: ValidationFailure.self, "\(bad)") {
                try IntegrationCreate.decode(.object(JSONObject(base + [("imageUrl", .string(bad))])))
            }
        }
    }
}
