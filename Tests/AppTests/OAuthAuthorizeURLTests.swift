@testable import App
import Domain
import HTTPServer
import JSON
import Testing

/// The authorize URL's rules, without a server: scope, prompt, PKCE, reserved and conflicting parameters, and
/// which return URLs are accepted.
struct OAuthAuthorizeURLTests {
    static func request(_ members: [(String, JSONValue)]) throws -> OAuth2InitialiseRequest {
        var body = JSONObject([
            ("credential", ["id": "01J0000000000000000000000A", "organisationId": "01J0000000000000000000000B"]),
            ("authorizeUrl", "https://auth.example.com/authorize"), ("clientId", "client"),
        ])
        for (key, value) in members { body[key] = value }
        return try OAuth2InitialiseRequest.decode(.object(body), decodeParameters: QueryString.decode)
    }

    static func url(_ members: [(String, JSONValue)]) throws -> OAuth2AuthorizeURL {
        OAuth2AuthorizeURL(
            request: try request(members), redirectURI: "https://embed.example.com/oauth2/callback", state: "S",
            codeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    }

    @Test func theChallengeIsRFC7636sS256() {
        // RFC 7636 Appendix B.
        #expect(OAuth2AuthorizeURL.codeChallenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(OAuth2AuthorizeURL.randomToken().count == 43)
        #expect(OAuth2AuthorizeURL.randomToken() != OAuth2AuthorizeURL.randomToken())
    }

    @Test func scopeGainsOfflineAccessUnlessTurnedOff() throws {
        #expect(try Self.url([("scopes", ["read"])]).scopes == ["read", "offline_access"])
        #expect(try Self.url([("scopes", ["offline_access"])]).scopes == ["offline_access"])
        #expect(try Self.url([("scopes", ["read"]), ("disableOfflineAccess", true)]).scopes == ["read"])
        #expect(!(try Self.url([("disableOfflineAccess", true)]).url.contains("scope=")))
    }

    @Test func promptDefaultsToLoginUnlessTheParametersChooseOne() throws {
        #expect(try Self.url([]).prompt == "login")
        #expect(try Self.url([("additionalParams", "approval_prompt=force")]).prompt == nil)
        #expect(try Self.url([("additionalParams", "prompt=none")]).prompt == nil)
        #expect(try Self.url([("prompt", "consent+select_account")]).url.contains("&prompt=consent+select_account"))
        #expect(try Self.url([("prompt", "consent"), ("additionalParams", "prompt=none")]).conflictingParameter == "prompt")
        #expect(try Self.url([("additionalParams", "scope=x")]).conflictingParameter == "scope")
        #expect(try Self.url([("additionalParams", "scope=x"), ("disableOfflineAccess", true)]).conflictingParameter == nil)
    }

    @Test func theURLKeepsTheAuthorizeURLsQueryAndEncodesEveryValue() throws {
        let url = try Self.url([
            ("authorizeUrl", "https://auth.example.com/authorize?tenant=a%20b"), ("scopes", ["read", "write"]),
            ("additionalParams", "audience=https%3A%2F%2Fapi&x=1"),
        ]).url
        #expect(url == "https://auth.example.com/authorize?tenant=a%20b&response_type=code&client_id=client"
            + "&redirect_uri=https%3A%2F%2Fembed.example.com%2Foauth2%2Fcallback&scope=read+write+offline_access"
            + "&state=S&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
            + "&prompt=login&audience=https%3A%2F%2Fapi&x=1")
    }

    @Test(arguments: ["state", "redirect_uri", "code_challenge", "code_challenge_method", "client_id", "response_type"])
    func additionalParamsMayNotSetAReservedParameter(_ name: String) {
        #expect(throws: ValidationFailure.self) { try Self.request([("additionalParams", .string("a=1&\(name)=x"))]) }
    }

    @Test(arguments: [
        ("https://app.example.com/done?x=1", true), ("https://app.example.com", true),
        ("http://127.0.0.1:5173/cb", true), ("http://localhost/cb", true), ("http://[::1]:8080/cb", true),
        ("http://app.example.com/cb", false), ("http://127.0.0.1.example.com/cb", false),
        ("http://localhost@evil.example/cb", false), ("https://app.example.com/#x", false), ("ftp://x/", false),
        ("/relative", false), ("http://localhost:abc/", false),
    ])
    func returnURLs(_ url: String, _ accepted: Bool) {
        #expect(OAuth2InitialiseRequest.isAcceptableReturnURL(url) == accepted, "\(url)")
    }
}
