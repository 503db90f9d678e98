@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// CreateHubConnectionTemplate, ListIntegrationConnectionTemplates and UpdateIntegrationMetadata.
@Suite(.enabled(if: TestApp.isAvailable)) struct IntegrationTemplateTests {
    @Test func templateAnswersTheConnectorsNameImageAndWhetherItIsPrimary() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let primary = try await app.createConnector(org, name: "CRM")
            let imaged = try await app.expect(201, .POST, "/o/\(org.id)/protocols/http/connectors", org, [
                "name": "Mail", "baseUrl": "https://mail.example.com", "authSchemeConfigs": [],
                "imageUrl": "https://cdn.example.com/mail.png",
                "connectionVariables": [["name": "region", "value": "eu"]],
            ]).string("id")
            let hub = try await app.createHub(org, connectorID: primary)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let config: JSONValue = ["id": "api-key-1", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header"]
            let first = try await app.expect(200, .POST, "/integrations/\(integration)/connection-templates", org, [
                "connectorId": .string(primary), "authSchemeConfig": config,
            ])
            #expect(first["connectorId"]?.stringValue == primary && first["name"] == "CRM")
            #expect(first["isPrimary"] == true && first["isUsed"] == true)
            #expect(first["imageUrl"]?.stringValue == PlaceholderImage(publicBaseURL: nil).url)
            #expect(first["authSchemeConfig"]?["in"] == "header" && first["variables"] == [])
            #expect(first["integrationId"]?.stringValue == integration)
            let second = try await app.expect(200, .POST, "/integrations/\(integration)/connection-templates", org, [
                "connectorId": .string(imaged), "authSchemeConfig": ["id": "n", "description": "", "schemeType": "none"],
            ])
            #expect(second["name"] == "Mail" && second["imageUrl"] == "https://cdn.example.com/mail.png")
            #expect(second["isPrimary"] == false && second["isUsed"] == true)
            #expect(second["variables"]?[0]?["name"] == "region")
        }
    }

    @Test func templateRefusalsWriteNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let foreignConnector = try await app.createConnector(other)
            let hub = try await app.createHub(org, connectorID: connector)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let path = "/integrations/\(integration)/connection-templates"
            let none: JSONValue = ["id": "n", "description": "", "schemeType": "none"]
            func refusal(_ body: JSONValue, at target: String? = nil) async throws -> Refusal {
                try await app.request(.POST, target ?? path, headers: org.auth, json: body).refusal
            }
            #expect(try await refusal(["authSchemeConfig": none]) == Refusal(400, "400002", ["connectorId"]))
            #expect(try await refusal(["connectorId": "nope", "authSchemeConfig": none]) == Refusal(400, "400002", ["connectorId"]))
            #expect(try await refusal(["connectorId": .string(connector)]) == Refusal(400, "400002", ["authSchemeConfig"]))
            #expect(try await refusal([
                "connectorId": .string(connector),
                "authSchemeConfig": ["id": "k", "description": "", "schemeType": "api-key", "name": "X", "in": "body"],
            ]) == Refusal(400, "400002", ["authSchemeConfig.in"]))
            #expect(try await refusal(["connectorId": .string(connector), "authSchemeConfig": none, "name": "Source"])
                == Refusal(400, "400002", ["name"]))
            #expect(try await refusal(["connectorId": .string(foreignConnector), "authSchemeConfig": none]) == Refusal(404, "404003"))
            #expect(try await refusal(["connectorId": .string(ULID.generate().string), "authSchemeConfig": none]) == Refusal(404, "404003"))
            #expect(try await refusal(["connectorId": .string(connector), "authSchemeConfig": none],
                at: "/integrations/\(ULID.generate().string)/connection-templates") == Refusal(404, "404009"))
            #expect(try await app.count("connection_templates", of: org) == 0)
            #expect(try await app.count("connection_templates", of: other) == 0)
        }
    }

    @Test func listPagesTheIntegrationsTemplatesOnly() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let neighbour = try await app.createIntegration(org, hub: hub).string("id")
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await app.createTemplate(org, integration: integration, connector: connector)) }
            _ = try await app.createTemplate(org, integration: neighbour, connector: connector)
            ids.sort()  // ids order by creation time only to the millisecond
            let path = "/integrations/\(integration)/connection-templates"
            let first = try await app.expect(200, .GET, path + "?first=2", org)
            #expect(first["totalCount"] == 3 && first["prev"] == nil)
            #expect(first["connectionTemplates"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
            let next = try #require(first["next"]?.stringValue)
            let second = try await app.expect(200, .GET, path + "?first=2&after=\(next)", org)
            #expect(second["connectionTemplates"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2]])
            #expect(second["next"] == nil)
            let back = try await app.expect(200, .GET, path + "?before=\(try #require(second["prev"]?.stringValue))", org)
            #expect(back["connectionTemplates"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
            for bad in ["first=0", "first=101", "after=zzz"] {
                #expect(try await app.request(.GET, path + "?\(bad)", headers: org.auth).refusal.code == "400004")
            }
        }
    }

    /// Never set: every template is used. Set: exactly the listed ones, and a template added later is unused
    /// until listed. An absent list means none.
    @Test func metadataDecidesWhichTemplatesAreUsed() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let (a, b) = (
                try await app.createTemplate(org, integration: integration, connector: connector),
                try await app.createTemplate(org, integration: integration, connector: connector))
            func used() async throws -> [String: Bool] {
                let page = try await app.expect(200, .GET, "/integrations/\(integration)/connection-templates", org)
                var flags: [String: Bool] = [:]
                for template in page["connectionTemplates"]?.arrayValue ?? [] {
                    flags[template["id"]?.stringValue ?? ""] = template["isUsed"]?.boolValue
                }
                return flags
            }
            #expect(try await used() == [a: true, b: true])
            let metadata = "/integrations/\(integration)/metadata"
            try await app.expect(204, .PUT, metadata, org, ["usedConnectionTemplates": [.string(b)]])
            #expect(try await used() == [a: false, b: true])
            let c = try await app.createTemplate(org, integration: integration, connector: connector)
            #expect(try await used() == [a: false, b: true, c: false])
            try await app.expect(204, .PUT, metadata, org, ["usedConnectionTemplates": [.string(a), .string(c)]])
            #expect(try await used() == [a: true, b: false, c: true])
            try await app.expect(204, .PUT, metadata, org, [:])
            #expect(try await used() == [a: false, b: false, c: false])
        }
    }

    @Test func metadataRefusalsNameEachEntryAndChangeNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let neighbour = try await app.createIntegration(org, hub: hub).string("id")
            let own = try await app.createTemplate(org, integration: integration, connector: connector)
            let neighbours = try await app.createTemplate(org, integration: neighbour, connector: connector)
            let metadata = "/integrations/\(integration)/metadata"
            try await app.expect(204, .PUT, metadata, org, ["usedConnectionTemplates": [.string(own)]])
            let before = try await app.expect(200, .GET, "/integrations/\(integration)/connection-templates", org).json
            func refusal(_ body: JSONValue, as caller: TestOrganisation? = nil, at target: String? = nil) async throws -> Refusal {
                try await app.request(.PUT, target ?? metadata, headers: (caller ?? org).auth, json: body).refusal
            }
            #expect(try await refusal(["usedConnectionTemplates": [.string(own), .string(neighbours), .string(ULID.generate().string)]])
                == Refusal(400, "400011", ["usedConnectionTemplates[1]", "usedConnectionTemplates[2]"]))
            #expect(try await refusal(["usedConnectionTemplates": ["x", .string(own), 3]])
                == Refusal(400, "400002", ["usedConnectionTemplates[0]", "usedConnectionTemplates[2]"]))
            #expect(try await refusal(["usedConnectionTemplates": .string(own)]) == Refusal(400, "400002", ["usedConnectionTemplates"]))
            #expect(try await refusal(["usedConnectionTemplates": [], "extra": true]) == Refusal(400, "400002", ["extra"]))
            #expect(try await refusal(["usedConnectionTemplates": []], as: other) == Refusal(404, "404009"))
            #expect(try await refusal(["usedConnectionTemplates": []], at: "/integrations/\(ULID.generate().string)/metadata")
                == Refusal(404, "404009"))
            #expect(try await app.expect(200, .GET, "/integrations/\(integration)/connection-templates", org).json == before)
        }
    }

    @Test func connectorUsedByATemplateIsNotDeleted() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let connector = try await app.createConnector(org)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            _ = try await app.createTemplate(org, integration: integration, connector: connector)
            let refused = try await app.request(.DELETE, "/o/\(org.id)/connectors/\(connector)", headers: org.auth)
            #expect(refused.refusal == Refusal(409, "409004"))
            try await app.expect(204, .DELETE, "/integrations/\(integration)", org)
            try await app.expect(204, .DELETE, "/o/\(org.id)/connectors/\(connector)", org)
        }
    }
}

/// ListIntegrations: the reference's shape plus paging, and `search` as a literal substring.
@Suite(.enabled(if: TestApp.isAvailable)) struct IntegrationListTests {
    @Test func searchIsACaseInsensitiveLiteralSubstring() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let otherHub = try await app.createHub(org)
            for name in ["Alpha", "alphabet soup", "Beta", "100% sure", "a_b", "axb"] {
                _ = try await app.createIntegration(org, hub: hub, name: name)
            }
            _ = try await app.createIntegration(org, hub: otherHub, name: "Alpha elsewhere")
            func names(_ query: String) async throws -> Set<String> {
                let page = try await app.expect(200, .GET, "/hubs/\(hub)/integrations\(query)", org)
                #expect(page["total"] == page["totalCount"])
                return Set(page["integrations"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            }
            let all: Set = ["Alpha", "alphabet soup", "Beta", "100% sure", "a_b", "axb"]
            #expect(try await names("") == all)
            #expect(try await names("?search=") == all)
            #expect(try await names("?search=ALPHA") == ["Alpha", "alphabet soup"])
            #expect(try await names("?search=%25") == ["100% sure"])
            #expect(try await names("?search=_") == ["a_b"])
            #expect(try await names("?search=zzz") == [])
            let filtered = try await app.expect(200, .GET, "/hubs/\(hub)/integrations?search=a", org)
            #expect(filtered["total"] == 5 && filtered["totalCount"] == 5)
        }
    }

    @Test func pagesWithFirstAfterAndBefore() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await app.createIntegration(org, hub: hub, name: "i\(index)").string("id")) }
            ids.sort()  // ids order by creation time only to the millisecond
            let path = "/hubs/\(hub)/integrations"
            func page(_ query: String) async throws -> (ids: [String], response: TestResponse) {
                let response = try await app.expect(200, .GET, path + query, org)
                return (response["integrations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [], response)
            }
            let first = try await page("?first=2")
            #expect(first.ids == Array(ids[0..<2]) && first.response["total"] == 5 && first.response["totalCount"] == 5)
            let second = try await page("?first=2&after=\(try #require(first.response["next"]?.stringValue))")
            #expect(second.ids == Array(ids[2..<4]))
            let third = try await page("?first=2&after=\(try #require(second.response["next"]?.stringValue))")
            #expect(third.ids == [ids[4]] && third.response["next"] == nil)
            let back = try await page("?first=2&before=\(try #require(third.response["prev"]?.stringValue))")
            #expect(back.ids == Array(ids[2..<4]))
            for bad in ["first=0", "first=101", "first=x", "before=bad"] {
                #expect(try await app.request(.GET, path + "?\(bad)", headers: org.auth).refusal.code == "400004", "\(bad)")
            }
        }
    }
}
