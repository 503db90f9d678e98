import Domain
import JSON
import Testing

/// What the official suite does not cover: refusals when a schema is stored, error paths, defaults.
@Suite struct JSONSchemaTests {
    static let variables: JSONValue = [
        "type": "object",
        "properties": [
            "region": ["type": "string", "enum": ["eu", "us"], "default": "eu"],
            "retries": ["type": "integer", "minimum": 0, "maximum": 5],
            "tags": ["type": "array", "items": ["type": "string", "maxLength": 3]],
            "webhook": ["type": "object", "properties": ["url": ["type": "string", "format": "uri"], "mode": ["default": "push"]]],
        ],
        "required": ["retries"],
        "additionalProperties": false,
    ]

    @Test func refusesEveryKeywordItDoesNotEnforceAtItsPath() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["region": ["type": "string", "pattern": "^e"], "list": ["items": [["type": "string"]]]],
            "allOf": [],
            "$schema": "http://json-schema.org/draft-07/schema#",
            "format": "hostname",
        ]
        #expect {
            try JSONSchema(compiling: schema, at: "variablesSchema")
        } throws: { error in
            let fields = (error as? ValidationFailure)?.issues.map(\.field) ?? []
            return fields == [
                "variablesSchema.properties.region.pattern", "variablesSchema.properties.list.items",
                "variablesSchema.allOf", "variablesSchema.$schema", "variablesSchema.format",
            ]
        }
    }

    @Test func refusesMalformedKeywordValues() {
        for (schema, field) in [
            (["type": "text"] as JSONValue, "s.type"), (["type": ["string", "string"]], "s.type"),
            (["required": ["a", "a"]], "s.required"), (["minLength": -1], "s.minLength"), (["maxItems": .number(1.5)], "s.maxItems"),
            (["properties": ["a": 3]], "s.properties.a"), (["enum": "eu"], "s.enum"), (["minimum": "0"], "s.minimum"),
            ("yes", "s"),
        ] {
            #expect(Self.refusedFields(schema) == [field], "\(schema)")
        }
    }

    static func refusedFields(_ schema: JSONValue) -> [String] {
        do {
            _ = try JSONSchema(compiling: schema, at: "s")
            return []
        } catch {
            return error.issues.map(\.field)
        }
    }

    @Test func namesEveryFailingVariableByItsPath() throws {
        let schema = try JSONSchema(compiling: Self.variables, at: "variablesSchema")
        let instance: JSONValue = ["region": "ap", "tags": ["ok", 7, "long"], "extra": true, "webhook": ["url": "not a uri"]]
        let issues = schema.issues(in: instance, at: "dynamicVariables")
        #expect(issues.map(\.field) == [
            "dynamicVariables.retries", "dynamicVariables.region", "dynamicVariables.tags[1]", "dynamicVariables.tags[2]",
            "dynamicVariables.extra", "dynamicVariables.webhook.url",
        ])
        #expect(issues.first?.message == "is required")
        #expect(schema.issues(in: "text", at: "dynamicVariables").map(\.description) == ["dynamicVariables: must be of type object"])
    }

    @Test func appliesDefaultsToAbsentPropertiesOnlyAfterChecking() throws {
        let schema = try JSONSchema(compiling: Self.variables, at: "variablesSchema")
        let filled = try schema.validated(["retries": 2, "webhook": [:]], at: "dynamicVariables")
        #expect(filled == ["retries": 2, "webhook": ["mode": "push"], "region": "eu"])
        #expect(try schema.validated(["retries": 2, "region": "us"], at: "v") == ["retries": 2, "region": "us"])
        #expect(throws: ValidationFailure.self) { try schema.validated([:], at: "v") }
    }

    @Test func comparesStringsByCodePointNotByCanonicalEquivalence() throws {
        let choice = try JSONSchema(compiling: ["enum": ["\u{E9}"]], at: "s")
        #expect(choice.issues(in: "e\u{301}", at: "v").count == 1)
        #expect(choice.issues(in: "\u{E9}", at: "v").isEmpty)
        // "\u{212A}" (KELVIN SIGN) is not the property "K": its value is not checked against K's schema.
        let object = try JSONSchema(compiling: ["properties": ["K": ["type": "string"]]], at: "s")
        #expect(object.issues(in: ["\u{212A}": 1], at: "v").isEmpty)
        #expect(object.issues(in: ["K": 1], at: "v").map(\.field) == ["v.K"])
    }
}
