@testable import App
import Domain
import JSON
import Testing

/// The activation rules that need no database: matching entries to templates, the template's scheme, the
/// dynamic variables.
struct ActivationRulesTests {
    private let used = TemplateRecord(
        id: "01AAAAAAAAAAAAAAAAAAAAAAAA", connectorID: "c1", authSchemeConfig: JSONObject(), isUsed: true,
        connectorName: "one", connectorImageURL: nil, isPrimary: true,
        connectorVariables: [], createdAt: "2026-01-01T00:00:00Z")
    private let alsoUsed = TemplateRecord(
        id: "01BBBBBBBBBBBBBBBBBBBBBBBB", connectorID: "c2", authSchemeConfig: JSONObject(), isUsed: true,
        connectorName: "two", connectorImageURL: nil, isPrimary: false,
        connectorVariables: [], createdAt: "2026-01-01T00:00:00Z")
    private let unused = TemplateRecord(
        id: "01CCCCCCCCCCCCCCCCCCCCCCCC", connectorID: "c3", authSchemeConfig: JSONObject(), isUsed: false,
        connectorName: "three", connectorImageURL: nil, isPrimary: false,
        connectorVariables: [], createdAt: "2026-01-01T00:00:00Z")

    private func entry(_ template: String, at index: Int) -> ActivationCreate.Entry {
        .existing(templateID: ULID(template)!, connectionID: ULID("01DDDDDDDDDDDDDDDDDDDDDDDD")!, field: "connections[\(index)]")
    }

    private func refusal(_ entries: [ActivationCreate.Entry]) -> APIError? {
        let templates = [used, alsoUsed, unused]
        let result = Result { () throws(APIError) in try ActivationRules.match(entries, templates: templates) }
        guard case .failure(let error) = result else { return nil }
        return error
    }

    @Test func everyUsedTemplateOnceMatches() throws {
        let matched = try ActivationRules.match(
            [entry(alsoUsed.id, at: 0), entry(used.id, at: 1)], templates: [used, alsoUsed, unused])
        #expect(matched.map(\.template.id) == [alsoUsed.id, used.id])
    }

    @Test func eachProblemIsNamed() {
        let missing = refusal([entry(used.id, at: 0)])
        #expect(missing?.code == .activationConnectionsInvalid)
        #expect(missing?.fields.map(\.field) == ["connections"])
        #expect(missing?.fields.first?.message.contains(alsoUsed.id) == true)
        let twice = refusal([entry(used.id, at: 0), entry(alsoUsed.id, at: 1), entry(used.id, at: 2)])
        #expect(twice?.fields.map(\.field) == ["connections[2].templateId"])
        let unknown = refusal([entry(used.id, at: 0), entry(alsoUsed.id, at: 1), entry("01EEEEEEEEEEEEEEEEEEEEEEEE", at: 2)])
        #expect(unknown?.fields.map(\.field) == ["connections[2].templateId"])
        let notUsed = refusal([entry(unused.id, at: 0), entry(used.id, at: 1), entry(alsoUsed.id, at: 2)])
        #expect(notUsed?.fields.map(\.field) == ["connections[0].templateId"])
        let everything = refusal([entry(unused.id, at: 0)])
        #expect(everything?.fields.map(\.field) == ["connections[0].templateId", "connections", "connections"])
    }

    @Test func variablesAreCheckedAndDefaulted() throws {
        let schema = try JSONSchema(compiling: [
            "type": "object", "properties": ["n": ["type": "integer"], "mode": ["enum": ["a", "b"], "default": "a"]],
            "required": ["n"], "additionalProperties": false,
        ], at: "variablesSchema")
        func variables(_ given: JSONValue?, _ schema: JSONSchema?) throws -> JSONValue {
            .object(try ActivationRules.variables(given?.objectValue, schema: schema))
        }
        #expect(try variables(["n": 1], schema) == ["n": 1, "mode": "a"])
        #expect(try variables(["n": 1, "mode": "b"], schema) == ["n": 1, "mode": "b"])
        #expect(try variables(["anything": [1, 2]], nil) == ["anything": [1, 2]])
        #expect(try variables(nil, nil) == [:])
        let refused: [(JSONValue, String)] = [
            ([:], "dynamicVariables.n"), (["n": 1, "x": 2], "dynamicVariables.x"), (["n": 1, "mode": "c"], "dynamicVariables.mode"),
        ]
        for (given, field) in refused {
            let result = Result { () throws(APIError) in try ActivationRules.variables(given.objectValue, schema: schema) }
            guard case .failure(let error) = result else {
                Issue.record("\(given) was accepted")
                continue
            }
            #expect(error.code == .dynamicVariablesInvalid)
            #expect(error.fields.map(\.field) == [field])
        }
    }

    @Test func aBindingMustNameTheTemplatesScheme() throws {
        let template = try AuthSchemeConfig.decode(["id": "key-1", "description": "t", "schemeType": "api-key", "name": "X-T", "in": "header"])
        let client = try AuthSchemeConfig.decode(["id": "key-1", "description": "c", "schemeType": "api-key", "name": "X-C", "in": "query"])
        let other = try AuthSchemeConfig.decode(["id": "key-2", "description": "c", "schemeType": "api-key", "name": "X-C", "in": "query"])
        func connection(_ scheme: AuthSchemeConfig) -> ConnectionCreate {
            ConnectionCreate(name: "n", variables: [], action: [
                ConnectionCredentialInput(authSchemeConfig: scheme, credential: .reference(ULID("01DDDDDDDDDDDDDDDDDDDDDDDD")!),
                                          field: "connections[1].credentials.action[0]"),
            ], trigger: [])
        }
        // The stored binding is the template's scheme, not the client's copy of it.
        let rebound = try ActivationRules.bindingTemplateScheme(connection(client), template: template)
        #expect(rebound.action[0].authSchemeConfig == template)
        let mismatched = connection(other)
        let result = Result { () throws(APIError) in try ActivationRules.bindingTemplateScheme(mismatched, template: template) }
        guard case .failure(let error) = result else {
            Issue.record("a binding naming another scheme was accepted")
            return
        }
        #expect(error.code == .authSchemeConfigMismatch)
        #expect(error.fields.map(\.field) == ["connections[1].credentials.action[0].authSchemeConfig"])
    }
}
