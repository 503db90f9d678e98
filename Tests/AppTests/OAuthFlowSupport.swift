@testable import App
import Foundation
import HTTP1
import HTTPServer
import JSON
import Postgres
import TestSupport

/// The OAuth 2.0 flow's fixtures: the app (outbound to loopback allowed, `PUBLIC_BASE_URL` set), a tenant whose
/// end user "victim" exists, the test provider on loopback, and the organisation's oauth2-client credential for it.
struct OAuthFlow {
    static let publicBaseURL = "https://embed.example.com"
    static let returnURL = "https://app.example.com/done?x=1"

    let app: ConnectionsApp
    let tenant: TestTenant
    let provider: OAuthTestProvider
    let tokenURL: String
    let clientCredentialID: String

    static func with(
        publicBaseURL: String? = OAuthFlow.publicBaseURL, expiresIn: Int = 3600, refreshDelay: Duration = .zero,
        credentialKeys: String? = nil, _ body: (OAuthFlow) async throws -> Void
    ) async throws {
        let provider = OAuthTestProvider(
            clientID: "org-client", clientSecret: GrantCredentialIdExfiltrationTests.clientSecret, expiresIn: expiresIn,
            refreshDelay: refreshDelay)
        try await withRunningServer(responder: provider) { port in
            try await withConnectionsApp(credentialKeys: credentialKeys, configure: {
                $0.outboundAllowPrivateNetworks = true
                $0.publicBaseURL = publicBaseURL
            }) { app in
                let tenant = try await app.makeTenant(signingKey: true)
                _ = try await app.createEndUser(tenant, externalID: "victim")
                let tokenURL = "http://127.0.0.1:\(port)/token"
                let credentialID = try await GrantCredentialIdExfiltrationTests.makeClientCredential(
                    app, tenant, owner: "victim", tokenURL: tokenURL)
                try await body(OAuthFlow(
                    app: app, tenant: tenant, provider: provider, tokenURL: tokenURL, clientCredentialID: credentialID))
            }
        }
    }

    /// The initialise body an API key sends for "victim", with `changes` applied (`.null` removes a member).
    func body(_ changes: [String: JSONValue] = [:]) -> JSONValue {
        var object = JSONObject([
            ("credential", ["id": .string(clientCredentialID), "organisationId": .string(tenant.organisationID)]),
            ("authorizeUrl", "https://auth.example.com/authorize?tenant=x"), ("clientId", "org-client"),
            ("scopes", ["read"]), ("returnUrl", .string(Self.returnURL)), ("userId", "victim"),
        ])
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
            object[key] = value == .null ? nil : value
        }
        return .object(object)
    }

    func initialise(
        _ body: JSONValue, auth: HeaderFields? = nil, hubID: String? = nil, connectorID: String? = nil, query: String = ""
    ) async -> AppResponse {
        await app.request(
            .POST, "/embed/\(hubID ?? tenant.hubID)/connector/\(connectorID ?? tenant.connectorID)/oauth2/initialise\(query)",
            auth: auth ?? tenant.auth, json: body)
    }

    /// The authorize URL's query parameters.
    static func parameters(of url: String) -> [String: String] {
        guard let mark = url.firstIndex(of: "?") else { return [:] }
        return Dictionary(
            QueryString.decode(String(url[url.index(after: mark)...])).map { ($0.name, $0.value) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Plays the user agreeing at the provider: the provider issues `code` for the URL's client, redirect_uri and
    /// challenge. Returns the URL's state.
    func authorize(_ response: AppResponse, code: String) throws -> String {
        guard response.status == 200, let url = response["url"]?.stringValue else { throw Unexpected(response) }
        let parameters = Self.parameters(of: url)
        provider.issue(
            code: code, clientID: parameters["client_id"] ?? "", redirectURI: parameters["redirect_uri"] ?? "",
            challenge: parameters["code_challenge"] ?? "")
        return parameters["state"] ?? ""
    }

    func callback(_ query: String, headers: HeaderFields = [:]) async -> AppResponse {
        await app.send(.GET, "/oauth2/callback?\(query)", headers: headers, body: [])
    }

    /// Initialise (with `changes`), authorize and call back: the callback's answer.
    func connect(_ changes: [String: JSONValue] = [:], code: String) async throws -> AppResponse {
        let state = try authorize(await initialise(body(changes)), code: code)
        return await callback("code=\(code)&state=\(state)")
    }

    /// The query parameters of a 303's Location, after checking it goes to `returnURL`.
    static func outcome(_ response: AppResponse, returnURL: String = OAuthFlow.returnURL) -> [String: String]? {
        guard response.status == 303, let location = response.headers["Location"], location.hasPrefix(returnURL + "&")
        else { return nil }
        return parameters(of: location)
    }

    /// Rows of the organisation, with its pending states.
    func counts() async throws -> (RowCounts, states: Int) {
        let rows = try await app.rowCounts(tenant.organisationID)
        let states = try await app.context.database.withConnection { connection in
            try await connection.query(
                "SELECT count(*)::int AS n FROM oauth2_states WHERE organisation_id = \(tenant.organisationID)"
            ).rows[0].int("n")
        }
        return (rows, states)
    }
}
