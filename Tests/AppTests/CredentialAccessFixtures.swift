@testable import App
import Cryptography
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres
import Synchronization
import TestSupport

/// A provider played by our own HTTP server on 127.0.0.1: it records every request exactly as it arrived and
/// answers by path: 207 with hop-by-hop headers beside an end-to-end one; `/base/needs-fresh-token` 401 unless
/// the bearer token is `FRESH-TOKEN`; `/base/slow` after 2 s; `/base/huge` 2 MiB.
final class RecordingUpstream: Responder, Sendable {
    private let received = Mutex<[Request]>([])
    var requests: [Request] { received.withLock { $0 } }
    var last: Request? { requests.last }

    func respond(to request: Request) async -> Response {
        received.withLock { $0.append(request) }
        if request.path == "/base/slow" {
            try? await Task.sleep(for: .seconds(2))
        }
        if request.path == "/base/huge" {
            return Response(status: .ok, body: Array(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024))
        }
        if request.path.hasPrefix("/base/needs-fresh-token") {
            guard request.headers["Authorization"] == "Bearer FRESH-TOKEN" else {
                return Response(status: HTTPStatus(code: 401, reasonPhrase: "Unauthorized"), headers: ["WWW-Authenticate": "Bearer"])
            }
        }
        return Response(
            status: HTTPStatus(code: 207, reasonPhrase: "Multi-Status"),
            headers: [
                "Content-Type": "text/plain", "X-Upstream": "kept", "Keep-Alive": "timeout=5",
                "Proxy-Authenticate": "Basic", "Trailer": "X-Checksum", "Upgrade": "h2c",
            ],
            body: Array("answer to \(request.method.rawValue) \(request.target)".utf8))
    }
}

/// An app of our own with `tokens` as its access-token source and private networks allowed (the upstream is on
/// loopback; the harness pins egress to loopback all the same).
func withAccessApp<T>(
    tokens: (any AccessTokenSource)? = nil, allowPrivate: Bool = true, outboundTimeout: Duration = .seconds(10),
    proxyMaxBodyBytes: Int? = nil, outboundPerOrganisation: Int? = nil, _ body: (ConnectionsApp) async throws -> T
) async throws -> T {
    var (context, logs) = try await ConnectionsApp.makeContext(
        credentialKeys: KeyRing.generateKeySpecification(version: "access1"),
        configure: {
            $0.outboundAllowPrivateNetworks = allowPrivate
            $0.outboundTimeout = outboundTimeout
            if let proxyMaxBodyBytes { $0.proxyMaxBodyBytes = proxyMaxBodyBytes }
            if let outboundPerOrganisation { $0.outboundMaxConcurrentPerOrganisation = outboundPerOrganisation }
        })
    if let tokens { context.accessTokens = tokens }
    defer { context.database.shutdown() }
    // The server knows how long a streamed (proxied) body may be, as the app's own server does.
    var server = ServerConfiguration()
    server.maxStreamedBodyBytes = context.configuration.proxyMaxBodyBytes
    return try await withRunningServer(configuration: server, responder: Application.makeResponder(context: context)) { port in
        try await body(ConnectionsApp(context: context, port: port, logs: logs))
    }
}

/// A tenant with an end user `ada` and a second API key that holds only `connections:access`.
struct AccessTenant {
    let tenant: TestTenant
    let accessAuth: HeaderFields
    let accessKeyID: String
}

extension ConnectionsApp {
    func makeAccessTenant(signingKey: Bool = false) async throws -> AccessTenant {
        let tenant = try await makeTenant(signingKey: signingKey)
        _ = try await createEndUser(tenant, externalID: "ada")
        let key = try await OperatorCommands.makeAPIKey(
            organisationID: tenant.organisationID, scopes: [.connectionsAccess], database: context.database)
        TestSecretsLedger.record([key.apiKey.value])
        return AccessTenant(tenant: tenant, accessAuth: ["Authorization": "Bearer \(key.apiKey.value)"], accessKeyID: key.apiKeyID)
    }

    /// A connector at `baseURL` and a connection of `ada` on it with `action` bindings; returns the connection id.
    func makeAccessConnection(_ access: AccessTenant, baseURL: String, action: [JSONValue], trigger: [JSONValue] = []) async throws -> String {
        let tenant = access.tenant
        let connector = await request(.POST, "/o/\(tenant.organisationID)/protocols/http/connectors", auth: tenant.auth, json: [
            "name": "provider", "baseUrl": .string(baseURL), "authSchemeConfigs": [Bodies.apiKeyScheme()],
        ])
        guard connector.status == 201, let connectorID = connector["id"]?.stringValue else { throw Unexpected(connector) }
        let made = await createConnection(tenant, user: "ada", body: [
            "connectorId": .string(connectorID),
            "connection": Bodies.connection(name: "provider", action: action, trigger: trigger),
        ])
        guard made.status == 201, let id = made["id"]?.stringValue else { throw Unexpected(made) }
        return id
    }

    func auditRows(_ organisationID: String) async throws -> Int {
        try await context.database.withConnection { connection in
            try await connection.query("SELECT count(*) AS n FROM audit_events WHERE organisation_id = \(organisationID)").rows[0].int("n")
        }
    }
}

/// Bindings of every scheme, with secrets the tests look for.
enum AccessBodies {
    static let hmacKey = "HMAC-KEY-SECRET"
    static let jwtSecret = Array("JWT-HS256-SECRET-0123456789abcdef".utf8)

    static func scheme(_ id: String, _ type: String, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        var object = JSONObject([("id", .string(id)), ("description", ""), ("schemeType", .string(type))])
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    static func credential(_ type: String, _ data: JSONValue) -> JSONValue {
        ["name": .string("\(type) credential"), "type": .string(type), "data": data]
    }

    static let none = Bodies.entry(scheme("none-1", "none"), credential("none", [:]))
    static func apiKey(in location: String, value: String = "API-KEY-SECRET") -> JSONValue {
        Bodies.entry(
            scheme("key-\(location)", "api-key", [("name", "X-Api-Key"), ("in", .string(location))]), Bodies.stringCredential(value))
    }
    static let basic = Bodies.entry(Bodies.basicScheme(), Bodies.basicCredential(password: "BASIC-PASSWORD-SECRET"))
    static func hmac(in location: String = "header", inputs: [JSONValue] = ["body", "url"]) -> JSONValue {
        Bodies.entry(
            scheme("hmac-\(location)", "hmac", [
                ("name", "X-Signature"), ("in", .string(location)), ("algorithm", "sha256"), ("digestInputs", .array(inputs)),
            ]),
            Bodies.stringCredential(hmacKey))
    }
    static func oauth2(accessToken: String = "STORED-ACCESS-TOKEN", expiresAt: Timestamp) -> JSONValue {
        Bodies.entry(
            scheme("oauth-1", "oauth2", [
                ("authorizeUrl", "https://auth.example.com/authorize"), ("tokenUrl", "https://auth.example.com/token"),
                ("scopes", [["name": "read"]]), ("defaultScopes", ["read"]),
                ("grant", ["grantType": "authorization_code", "clientId": "client-1"]),
            ]),
            credential("oauth2-token", [
                "accessToken": .string(accessToken), "refreshToken": "REFRESH-TOKEN-SECRET", "scopes": ["read"],
                "tokenType": "bearer", "expiresAt": .string(expiresAt.rfc3339),
            ]))
    }
    static let certificate = Bodies.entry(
        scheme("cert-1", "certificate"),
        credential("certificate", [
            "certificate": .string(BenchmarkKeyMaterial.clientCertificatePEM),
            "key": .string(BenchmarkKeyMaterial.clientKeyPEM), "ca": .string(BenchmarkKeyMaterial.caPEM),
        ]))
    static func jwt(algorithm: String, secret: String) -> JSONValue {
        Bodies.entry(
            scheme("jwt-\(algorithm)", "jwt-bearer"),
            credential("jwt-bearer", [
                "algorithm": .string(algorithm), "secret": .string(secret),
                "payload": #"{"iss":"client@example.com","sub":"ada"}"#, "expiresIn": "1h",
                "authorizationHeaderPrefix": "Bearer",
            ]))
    }
    static let hs256 = jwt(algorithm: "HS256", secret: Base64.encode(jwtSecret))
    static let rs256 = jwt(algorithm: "RS256", secret: Base64.encode(Array(BenchmarkKeyMaterial.clientKeyPEM.utf8)))
    static let customFunction = Bodies.entry(
        scheme("fn-1", "custom-function"),
        credential("custom-function", ["functionUrl": "https://fn.example.com/auth", "data": ["apiKey": "FUNCTION-SECRET"]]))
}

/// Checks a JWT's HS256 signature with `key`, or its RS256 signature with the public half of `privateKeyPEM`;
/// returns its claims when it verifies.
func verifiedClaims(_ token: String, hmacKey: [UInt8]? = nil, privateKeyPEM: String? = nil) -> JSONObject? {
    let parts = token.split(separator: ".").map(String.init)
    guard parts.count == 3, let signature = Base64.decodeURL(parts[2]), let payload = Base64.decodeURL(parts[1]) else { return nil }
    let input = Array((parts[0] + "." + parts[1]).utf8)
    if let hmacKey {
        guard Digest.constantTimeEqual(Digest.hmacSHA256(key: hmacKey, data: input), signature) else { return nil }
    } else if let privateKeyPEM {
        guard let publicKey = RSAKeys.publicKeyPEM(ofPrivateKey: Array(privateKeyPEM.utf8)),
              RSAKeys.verifyRS256(message: input, signature: signature, publicKeyPEM: publicKey) else { return nil }
    } else {
        return nil
    }
    return (try? JSONValue.parse(payload))?.objectValue
}
