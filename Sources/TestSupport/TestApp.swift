public import App
import Cryptography
import Foundation
public import HTTP1
public import JSON
import Logging
import Postgres

/// A real server over a real database for end-to-end tests: `withTestApp { app in … }`.
///
/// Needs `DATABASE_URL` (gate tests with `.enabled(if: TestApp.isAvailable)`). Builds the production context with a
/// throwaway credential key ring, applies the migrations once per process, serves on 127.0.0.1 and a free port,
/// and shuts everything down when `body` returns or throws.
public struct TestApp: Sendable {
    public let port: Int
    public let context: AppContext

    /// True when `DATABASE_URL` is set, so DB-backed tests can run.
    public static var isAvailable: Bool { ProcessInfo.processInfo.environment["DATABASE_URL"] != nil }

    /// A new organisation and its first API key, made the way the operator does (`OperatorCommands`).
    public func createOrganisation(name: String = "Test organisation") async throws -> TestOrganisation {
        let created = try await OperatorCommands.makeOrganisation(name: name, database: context.database)
        TestSecretsLedger.record([created.apiKey.value])
        return TestOrganisation(id: created.organisationID, apiKeyID: created.apiKeyID, apiKey: created.apiKey.value)
    }

    /// Sends one request on a fresh connection. `json` is serialised with `Content-Type: application/json`.
    public func request(
        _ method: HTTPMethod, _ path: String, headers: HeaderFields = [:], json: JSONValue? = nil
    ) async throws -> TestResponse {
        try await send(method, path, headers: headers, body: json.map { $0.serialized() }, contentType: "application/json")
    }

    /// Sends raw body bytes, e.g. invalid JSON or another content type.
    public func send(
        _ method: HTTPMethod, _ path: String, headers: HeaderFields = [:], body: [UInt8]?, contentType: String?
    ) async throws -> TestResponse {
        var head = "\(method.rawValue) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        if let body {
            TestSecretsLedger.recordSecrets(inRequestBody: body)
            if let contentType, !headers.contains("Content-Type") { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(body.count)\r\n"
        }
        let client = try RawHTTPClient(port: port)
        try await client.write(Array((head + "\r\n").utf8) + (body ?? []))
        let raw = try await client.readResponse(isHEAD: method == .HEAD, timeout: .seconds(30))
        return TestResponse(status: raw.statusCode, headers: HeaderFields(raw.headers), body: raw.body)
    }
}

/// An organisation made for a test, with its API key.
public struct TestOrganisation: Sendable {
    public let id: String
    public let apiKeyID: String
    public let apiKey: String
    /// `Authorization: Bearer <api key>`.
    public var auth: HeaderFields { ["Authorization": "Bearer \(apiKey)"] }
}

/// One response: status, headers, raw body, and the body parsed as JSON when it is JSON.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HeaderFields
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    /// nil when the body is empty or not JSON.
    public var json: JSONValue? { body.isEmpty ? nil : try? JSONValue.parse(body) }
    /// `json[key]` when the body is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object)? = json else { return nil }
        return object[key]
    }
    /// The error body's `code`, e.g. "404001".
    public var errorCode: String? { self["code"]?.stringValue }
    /// The `field` paths of an error body's `fields`, in order.
    public var errorFields: [String] {
        guard case .array(let items)? = self["fields"] else { return [] }
        return items.compactMap { $0["field"]?.stringValue }
    }
}

extension JSONValue {
    /// A member of an object: `response.json?["primaryConnector"]?["name"]`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// An element of an array, nil when out of range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }
}
