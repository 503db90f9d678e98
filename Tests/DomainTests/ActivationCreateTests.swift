import Domain
import JSON
import Testing

/// `ActivationCreate` decoding: an entry with `connectionId` is an existing connection (exactly two members), any
/// other a new connection under `ConnectionCreate`'s rules at `connections[i]`; `dynamicVariables` an object.
struct ActivationCreateTests {
    static let template = "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"
    static let connection = "01JDQ8Z7M4V3X2W1T0S9R8Q7P7"
    static let newEntry: JSONValue = [
        "templateId": .string(template), "name": "crm",
        "credentials": ["action": [Fixtures.entry(scheme: Fixtures.scheme("api-key"), credential: Fixtures.newCredential(.string))]],
    ]

    static func body(_ connections: [JSONValue], variables: JSONValue? = nil) -> JSONValue {
        var object = JSONObject([
            ("userId", "ada"), ("integrationId", .string(template)), ("connections", .array(connections)),
        ])
        if let variables { object["dynamicVariables"] = variables }
        return .object(object)
    }

    static func fields(_ body: JSONValue) -> [String] {
        do {
            _ = try ActivationCreate.decode(body, keyMaterial: StubKeyMaterial())
            return []
        } catch {
            return error.issues.map(\.field)
        }
    }

    @Test func decodesExistingAndNewEntries() throws {
        let existing: JSONValue = ["templateId": .string(Self.template), "connectionId": .string(Self.connection)]
        let decoded = try ActivationCreate.decode(
            Self.body([existing, Self.newEntry], variables: ["limit": 3]), keyMaterial: StubKeyMaterial())
        #expect(decoded.userId == "ada")
        #expect(decoded.dynamicVariables == JSONObject([("limit", 3)]))
        guard case .existing(let template, let connection, let field) = decoded.connections[0] else {
            Issue.record("the first entry is not an existing connection")
            return
        }
        #expect(template.string == Self.template && connection.string == Self.connection && field == "connections[0]")
        guard case .new(_, let new, let newField) = decoded.connections[1] else {
            Issue.record("the second entry is not a new connection")
            return
        }
        #expect(new.name == "crm" && newField == "connections[1]")
        #expect(new.action[0].field == "connections[1].credentials.action[0]")
        #expect(try ActivationCreate.decode(Self.body([]), keyMaterial: StubKeyMaterial()).dynamicVariables == nil)
    }

    @Test func refusesEachBadPartAtItsPath() {
        #expect(Self.fields(Self.body([["templateId": .string(Self.template), "connectionId": "x"]])) == ["connections[0].connectionId"])
        #expect(Self.fields(Self.body([
            ["templateId": .string(Self.template), "connectionId": .string(Self.connection), "name": "extra"],
        ])) == ["connections[0].name"])
        guard case .object(var noTemplate) = Self.newEntry else { return }
        noTemplate["templateId"] = nil
        #expect(Self.fields(Self.body([.object(noTemplate)])) == ["connections[0].templateId"])
        guard case .object(var unknown) = Self.newEntry else { return }
        unknown["colour"] = "red"
        #expect(Self.fields(Self.body([.object(unknown)])) == ["connections[0].colour"])
        #expect(Self.fields(Self.body([42])) == ["connections[0]"])
        #expect(Self.fields(Self.body([], variables: [1, 2])) == ["dynamicVariables"])
        #expect(Self.fields(Self.body([], variables: "limit")) == ["dynamicVariables"])
        #expect(Self.fields(["integrationId": .string(Self.template), "connections": []]) == ["userId"])
        #expect(Self.fields(["userId": "ada", "integrationId": .string(Self.template)]) == ["connections"])
    }

    @Test func theUpdateBodyIsDynamicVariablesAlone() throws {
        #expect(try DynamicVariables.decodeUpdate(["dynamicVariables": ["a": 1]]) == JSONObject([("a", 1)]))
        #expect(throws: ValidationFailure.self) { try DynamicVariables.decodeUpdate(["dynamicVariables": ["a": 1], "b": 2]) }
        #expect(throws: ValidationFailure.self) { try DynamicVariables.decodeUpdate([:]) }
        #expect(throws: ValidationFailure.self) { try DynamicVariables.decodeUpdate(["dynamicVariables": nil]) }
    }
}
