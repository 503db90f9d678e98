@testable import Domain
import Foundation
import JSON
import Testing

/// The official JSON Schema Test Suite (draft 2020-12; Fixtures/JSONSchemaTestSuite, MIT) for the keywords the
/// contract has us enforce. Each case group's schema must compile exactly when it uses only those keywords; every
/// case of a compiled schema must come out as the suite says.
@Suite struct JSONSchemaSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/JSONSchemaTestSuite/draft2020-12")

    static let files = [
        "additionalProperties", "boolean_schema", "const", "default", "enum", "exclusiveMaximum", "exclusiveMinimum",
        "items", "maxItems", "maxLength", "maximum", "minItems", "minLength", "minimum", "properties", "required",
        "type", "optional/format/date-time", "optional/format/email", "optional/format/uri",
    ]

    /// The contract's list, kept apart from the compiler's on purpose: this is the oracle.
    static let contractKeywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "format", "default",
        "title", "description", "examples", "$comment", "$schema",
    ]

    static func usesOnlyContractKeywords(_ schema: JSONValue) -> Bool {
        guard case .object(let object) = schema else { return true }
        return object.allSatisfy { member in
            guard contractKeywords.contains(member.key) else { return false }
            switch member.key {
            case "properties": return member.value.objectValue?.allSatisfy { usesOnlyContractKeywords($0.value) } ?? false
            case "items": return member.value.arrayValue == nil && usesOnlyContractKeywords(member.value)
            case "additionalProperties": return usesOnlyContractKeywords(member.value)
            default: return true
            }
        }
    }

    @Test(arguments: files)
    func passesTheOfficialCases(file: String) throws {
        let url = Self.directory.appendingPathComponent(file + ".json")
        let groups = try #require(try JSONValue.parse(Array(Data(contentsOf: url))).arrayValue)
        var checked = 0
        for group in groups {
            let description = group["description"]?.stringValue ?? "?"
            let schemaJSON = try #require(group["schema"])
            let expectCompiled = Self.usesOnlyContractKeywords(schemaJSON)
            let schema = try? JSONSchema(compiling: schemaJSON, at: "schema")
            #expect((schema != nil) == expectCompiled, "\(file): \(description)")
            guard let schema else { continue }
            for test in try #require(group["tests"]?.arrayValue) {
                let data = try #require(test["data"])
                let valid = try #require(test["valid"]?.boolValue)
                let issues = schema.issues(in: data, at: "value")
                #expect(issues.isEmpty == valid, "\(file): \(description): \(test["description"]?.stringValue ?? "?") \(issues)")
                checked += 1
            }
        }
        #expect(checked > 0, "\(file): no case ran")
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? { objectValue?[key] }
}
