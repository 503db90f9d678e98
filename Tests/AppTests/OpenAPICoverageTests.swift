import App
import Cryptography
import Foundation
import Logging
import Postgres
import Testing

/// A context for reading the route table: its database is never reached.
func offlineContext() throws -> AppContext {
    let configuration = AppConfiguration(
        databaseURL: "postgresql:///unused?host=/nonexistent",
        credentialKeys: KeyRing.generateKeySpecification(version: "test"))
    return try Application.makeContext(configuration: configuration, logger: Logger(label: "offline"))
}

/// The server's routes and openapi/openapi.yaml's operations must be the same set: a route added without its
/// description, or a described operation the server lacks, fails here.
@Suite struct OpenAPICoverageTests {
    @Test func everyRouteIsInTheSpecAndEveryOperationIsARoute() throws {
        let context = try offlineContext()
        defer { context.database.shutdown() }
        // A `*name` segment (the rest of the path) is written `{name}` in the spec, like any parameter.
        let server = Set(Application.routeTable(context: context).map { $0.replacingOccurrences(of: "/*", with: "/:") })
        let spec = try Self.specOperations()
        #expect(server.subtracting(spec).sorted() == [], "routes missing from openapi.yaml")
        #expect(spec.subtracting(server).sorted() == [], "operations in openapi.yaml the server lacks")
        #expect(server.count > 40)
    }

    /// `METHOD /path/:param` for every operation under `paths:`, read from the YAML's fixed indentation.
    static func specOperations() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                    .replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).dropLast()
                if ["get", "post", "put", "patch", "delete", "options"].contains(key) && line.hasSuffix(":") {
                    operations.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return operations
    }
}
