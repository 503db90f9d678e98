@testable import App
import Cryptography
import Domain
import HTTP1
import HTTPClient
import HTTPServer
import JSON
import TestSupport
import Testing

/// The rules of credential access that need no I/O: which binding a header names, which headers cross the
/// proxy, when a stored oauth2 token still serves, how jwt-bearer tokens are dated.
@Suite struct CredentialAccessRulesTests {
    @Test func connectionBindingNamesOneBindingOrIsRefused() throws {
        #expect(try BindingSelector.from([]) == .firstAction)
        #expect(try BindingSelector.from([" trigger:12 "]) == BindingSelector(usage: .trigger, position: 12))
        for bad in [["action:0", "action:1"], ["action:"], ["Action:0"], ["action:+1"], ["action:12345"], ["action:0:1"]] {
            #expect(throws: APIError.self, "\(bad)") { try BindingSelector.from(bad) }
        }
    }

    @Test func hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
        let headers: HeaderFields = [
            "Connection": "close, X-Private", "connection": "x-other", "X-Private": "1", "X-Other": "2",
            "Keep-Alive": "5", "TE": "trailers", "Transfer-Encoding": "chunked", "Upgrade": "h2c",
            "Proxy-Authorization": "Basic x", "Proxy-Connection": "keep-alive", "Trailer": "X", "X-Kept": "yes",
            "Authorization": "Bearer caller", "Connection-Binding": "action:0", "Host": "here", "Expect": "100-continue",
        ]
        let forwarded = HopByHopHeaders.endToEnd(headers, alsoDropping: HopByHopHeaders.requestOnly)
        #expect(forwarded.map(\.name) == ["X-Kept"])
        let relayed = HopByHopHeaders.endToEnd(headers, alsoDropping: HopByHopHeaders.responseOnly)
        #expect(relayed.map(\.name) == ["X-Kept", "Authorization", "Connection-Binding", "Host", "Expect"])
    }

    private func demand(
        type: CredentialType = .oauth2Token, token: String = "AT", expiresAt: Timestamp?, mustRenew: Bool = false
    ) -> AccessTokenDemand {
        var publicData = JSONObject([("tokenType", "Bearer")])
        if let expiresAt { publicData["expiresAt"] = .string(expiresAt.rfc3339) }
        return AccessTokenDemand(
            organisationID: "o", credentialID: "c", credentialType: type,
            oauth2: AuthSchemeConfig.OAuth2(
                authorizeUrl: "", tokenUrl: "https://t.example", scopes: [], defaultScopes: [],
                additionalAuthorizeParams: nil, additionalTokenParams: nil, mtlsEnabled: nil, mtlsCredentialId: nil,
                grant: .clientCredentials),
            publicData: publicData, secrets: JSONObject([("accessToken", .string(token))]), mustRenew: mustRenew)
    }

    @Test func aStoredTokenServesUntilSixtySecondsBeforeItExpires() async throws {
        let now = Timestamp(rfc3339: "2026-12-06T12:00:00Z")!
        var tokens = StoredAccessTokens()
        tokens.now = { now }
        let served = try await tokens.accessToken(for: demand(expiresAt: now.adding(seconds: 61)))
        #expect(served.header == "Bearer AT" && served.expiresAt == now.adding(seconds: 61))
        #expect(try await tokens.accessToken(for: demand(expiresAt: nil)).accessToken == "AT")
        for refused in [
            demand(expiresAt: now.adding(seconds: 59)), demand(expiresAt: now.adding(seconds: -1)),
            demand(expiresAt: nil, mustRenew: true), demand(token: "", expiresAt: nil),
            demand(type: .oauth2Client, expiresAt: nil), demand(type: .oauth2Password, expiresAt: nil),
        ] {
            do {
                _ = try await tokens.accessToken(for: refused)
                Issue.record("served a token for \(refused.credentialType) expiring \(refused.publicData["expiresAt"] ?? .null)")
            } catch let error as APIError {
                #expect(error.code == .accessTokenUnavailable)
            }
        }
    }

    @Test func jwtBearerTokensCarryIatAndExpRoundedUp() throws {
        let binding = UsableBinding(
            usage: .action, position: 0,
            config: AuthSchemeConfig(id: "j", description: "", scheme: .jwtBearer), credentialID: "c", credentialType: .jwtBearer,
            publicData: JSONObject([
                ("algorithm", "HS384"), ("payload", #"{"sub":"ada","iat":1}"#), ("expiresIn", "1m30.5s"),
                ("authorizationHeaderPrefix", ""),
            ]),
            secrets: JSONObject([("secret", .string(Base64.encode(Array("k".utf8))))]))
        let now = Timestamp(microsecondsSinceEpoch: 1_700_000_000_900_000)
        let token = try JWTBearerToken(binding, now: now)
        #expect(token.header == token.token)
        let parts = token.token.split(separator: ".").map(String.init)
        let claims = try JSONValue.parse(try #require(Base64.decodeURL(parts[1])))
        #expect(claims["iat"] == 1_700_000_000 && claims["exp"] == 1_700_000_091 && claims["sub"] == "ada")
        #expect(try JSONValue.parse(try #require(Base64.decodeURL(parts[0]))) == ["alg": "HS384", "typ": "JWT"])
        let expected = Digest.hmac(key: Array("k".utf8), data: Array((parts[0] + "." + parts[1]).utf8), algorithm: .sha384)
        #expect(Base64.decodeURL(parts[2]) == expected)
        #expect(token.expiresAt == Timestamp(microsecondsSinceEpoch: 1_700_000_091_000_000))
    }

    @Test func aCertificateBindingBecomesTheRequestsClientIdentity() async throws {
        let binding = UsableBinding(
            usage: .action, position: 0, config: AuthSchemeConfig(id: "c", description: "", scheme: .certificate),
            credentialID: "c", credentialType: .certificate,
            publicData: JSONObject([("certificate", "CERT PEM"), ("ca", "CA PEM")]), secrets: JSONObject([("key", "KEY PEM")]))
        var request = try UpstreamRequest(
            forwarding: Request(method: .GET, target: "/ignored?identifier_type=internal&a=1", headers: ["Authorization": "Bearer k"]),
            baseURL: "https://api.example.com/v1//", path: "x/y")
        try await ProxyAuthentication.apply(binding, token: nil, now: .now(), to: &request)
        #expect(request.url == "https://api.example.com/v1/x/y?a=1")
        #expect(request.headers["Authorization"] == nil)
        #expect(request.outbound.clientCertificate == ClientCertificate(
            certificatePEM: "CERT PEM", privateKeyPEM: "KEY PEM", trustedCAPEM: "CA PEM"))
        #expect("\(request.outbound.clientCertificate!)" == "ClientCertificate(****)")
        for escaping in ["../admin", "a/./b", "a/%2E%2e/b", "%2e"] {
            #expect(throws: APIError.self, "\(escaping)") {
                try UpstreamRequest(forwarding: Request(method: .GET, target: "/"), baseURL: "https://a.example/v1", path: escaping)
            }
        }
        #expect(try UpstreamRequest(forwarding: Request(method: .GET, target: "/"), baseURL: "https://a.example", path: "a/...b/.well-known").url
            == "https://a.example/a/...b/.well-known")
    }
}
