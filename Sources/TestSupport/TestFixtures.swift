import App
import Cryptography
import Foundation
public import HTTP1
public import JSON

/// Fixtures made through the public API, as a client would make them.
extension TestApp {
    /// A signing key of `organisation`, with the private half kept for signing end-user tokens.
    public func createSigningKey(_ organisation: TestOrganisation, name: String = "test key") async throws -> TestSigningKey {
        let response = try await expect(201, .POST, "/organisations/\(organisation.id)/keys", organisation, ["name": .string(name)])
        return TestSigningKey(id: try response.string("id"), privateKeyPEM: try response.string("privateKey"))
    }

    /// An HTTP connector with one `api-key` AuthSchemeConfig (id "api-key-1") unless `authSchemeConfigs` is given.
    public func createConnector(
        _ organisation: TestOrganisation, name: String = "Test connector",
        authSchemeConfigs: JSONValue = [["id": "api-key-1", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header"]]
    ) async throws -> String {
        let body: JSONValue = ["name": .string(name), "baseUrl": "https://api.example.com", "authSchemeConfigs": authSchemeConfigs]
        return try await expect(201, .POST, "/o/\(organisation.id)/protocols/http/connectors", organisation, body).string("id")
    }

    /// A hub around `connectorID` (a new connector when nil), with a `none` AuthSchemeConfig.
    public func createHub(_ organisation: TestOrganisation, connectorID: String? = nil, name: String = "Test hub") async throws -> String {
        let connector: String
        if let connectorID { connector = connectorID } else { connector = try await createConnector(organisation) }
        let body: JSONValue = [
            "organisationId": .string(organisation.id), "name": .string(name), "primaryConnectorId": .string(connector),
            "authSchemeConfig": ["id": "none-1", "description": "", "schemeType": "none"],
        ]
        return try await expect(201, .POST, "/hubs", organisation, body).string("id")
    }

    /// Sends a request as `organisation` and throws `UnexpectedResponse` unless the status is `status`.
    @discardableResult
    public func expect(
        _ status: Int, _ method: HTTPMethod, _ path: String, _ organisation: TestOrganisation, _ json: JSONValue? = nil
    ) async throws -> TestResponse {
        let response = try await request(method, path, headers: organisation.auth, json: json)
        guard response.status == status else { throw UnexpectedResponse(expected: status, response: response) }
        return response
    }
}

/// An organisation's signing key with its private half: signs end-user tokens for tests.
public struct TestSigningKey: Sendable {
    public let id: String
    public let privateKeyPEM: String

    public init(id: String, privateKeyPEM: String) {
        self.id = id
        self.privateKeyPEM = privateKeyPEM
    }

    /// `Authorization: JWT <token>` for the end user whose externalId is `subject`, valid for `expiresIn` seconds.
    public func auth(subject: String, expiresIn: Double = 3600) throws -> HeaderFields {
        let now = Date().timeIntervalSince1970
        let claims: JSONValue = [
            "iss": .string("https://issuer.example.com/sk/\(id)"), "sub": .string(subject),
            "iat": .number(now.rounded()), "exp": .number((now + expiresIn).rounded()),
        ]
        return ["Authorization": "JWT \(try token(claims: claims))"]
    }

    /// A compact RS256 JWS over any claims and header, for tests of malformed or hostile tokens.
    public func token(claims: JSONValue, header: JSONValue = ["alg": "RS256", "typ": "JWT"]) throws -> String {
        let input = Base64.encodeURL(header.serialized()) + "." + Base64.encodeURL(claims.serialized())
        let signature = try RSAKeys.signRS256(message: Array(input.utf8), privateKeyPEM: privateKeyPEM)
        return input + "." + Base64.encodeURL(signature)
    }
}

/// A fixture request answered with another status; the body is included to make the failure readable.
public struct UnexpectedResponse: Error, CustomStringConvertible {
    public let expected: Int
    public let response: TestResponse
    public var description: String { "expected \(expected), got \(response.status): \(response.text)" }
}

extension TestResponse {
    /// A string member of the JSON body, or a readable error.
    public func string(_ key: String) throws -> String {
        guard let value = self[key]?.stringValue else { throw MissingMember(key: key, body: text) }
        return value
    }
}

public struct MissingMember: Error, CustomStringConvertible {
    public let key: String
    public let body: String
    public var description: String { "the response has no string \(key): \(body)" }
}
