import App
import Cryptography
import Domain
import HTTP1
import HTTPClient
import HTTPServer
import JSON
import Postgres
import Testing

@Suite struct OAuthExchangeTests {
    /// 2026-11-29T03:35:06.5Z
    static let now = Timestamp(microsecondsSinceEpoch: 1_795_923_306_500_000)

    static func exchanger(allowPrivate: Bool = true, timeout: Duration = .seconds(5)) -> OAuthCodeExchanger {
        OAuthCodeExchanger(
            client: HTTPClient(configuration: HTTPClientConfiguration(
                allowPrivateNetworks: allowPrivate, allowedNetworks: IPNetwork.loopback, timeout: timeout)),
            now: { now })
    }

    static func exchange(_ url: String, with exchanger: OAuthCodeExchanger = exchanger()) async throws(OAuthExchangeError) -> JSONObject {
        try await exchanger.exchange(
            tokenURL: url, code: "the-code-42", redirectURI: "https://app.example.com/callback?x=1",
            clientID: "client:id", clientSecret: "s3cr3t-value", requestedScopes: ["read"])
    }

    @Test func exchangesTheCodeAndReturnsTokenCredentialData() async throws {
        try await OAuthExchangeTokenEndpoint.with { endpoint, base in
            let data = try await Self.exchange(base + "/success")
            let expected = JSONObject([
                ("accessToken", "at-123"), ("refreshToken", "rt-456"), ("scopes", ["read", "write"]),
                ("tokenType", "Bearer"), ("expiresAt", "2026-11-29T04:35:06.500000Z"),
            ])
            #expect(data == expected)
            let request = try #require(endpoint.requests.first)
            #expect(request.method == .POST)
            #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
            #expect(request.headers["Accept"] == "application/json")
            // RFC 6749 §2.3.1: each part form-encoded before joining, so the colon in the id survives.
            #expect(request.headers["Authorization"] == "Basic " + Base64.encode(Array("client%3Aid:s3cr3t-value".utf8)))
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body == "grant_type=authorization_code&code=the-code-42&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Fx%3D1")
        }
    }

    @Test func sendsAdditionalTokenParametersWithoutLettingThemOverrideTheGrant() async throws {
        try await OAuthExchangeTokenEndpoint.with { endpoint, base in
            _ = try await Self.exchanger().exchange(
                tokenURL: base + "/success", code: "c", redirectURI: nil, clientID: "id", clientSecret: "secret",
                requestedScopes: [], additionalTokenParameters: "audience=https%3A%2F%2Fapi.example.com&code=evil&grant_type=x&a+b=c")
            let body = String(decoding: try #require(endpoint.requests.first).body, as: UTF8.self)
            #expect(body == "grant_type=authorization_code&code=c&audience=https%3A%2F%2Fapi.example.com&a+b=c")
        }
    }

    @Test(arguments: ["/success", "/minimal", "/string-expiry"])
    func producesDataTheOAuth2TokenValidatorAccepts(path: String) async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            let data = try await Self.exchange(base + path)
            let validated = try ValidatedCredential.validate(
                name: "token", type: .oauth2Token, data: .object(data), keyMaterial: OpenSSLKeyMaterial())
            #expect(validated.type == .oauth2Token)
        }
    }

    @Test func fillsDefaultsForAMinimalResponse() async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            let minimal = try await Self.exchange(base + "/minimal")
            #expect(minimal == JSONObject([("accessToken", "at-min"), ("refreshToken", "rt"), ("scopes", ["read"]), ("tokenType", "Bearer")]))
            let other = try await Self.exchange(base + "/string-expiry")
            #expect(other["tokenType"] == "mac")
            #expect(other["expiresAt"] == "2026-11-29T03:36:06.500000Z")
        }
    }

    @Test func reportsAnOAuthErrorWithoutEchoingSecrets() async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            await #expect(throws: OAuthExchangeError.rejected(error: "invalid_grant", description: "code **** expired; client ****")) {
                try await Self.exchange(base + "/rejected")
            }
            await #expect(throws: OAuthExchangeError.rejected(error: "access_denied", description: nil)) {
                try await Self.exchange(base + "/error-in-200")
            }
            let error = OAuthExchangeError.rejected(error: "invalid_grant", description: "expired").apiError
            #expect(error.code == .oauthExchangeRejected)
            #expect(error.details == "expired")
        }
    }

    @Test(arguments: ["/garbage", "/oversized", "/redirect", "/server-error", "/no-token", "/no-refresh", "/bad-expiry"])
    func treatsUnusableAnswersAsBadGateway(path: String) async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            await #expect {
                try await Self.exchange(base + path)
            } throws: { error in
                (error as? OAuthExchangeError)?.apiError.code == .tokenEndpointBadResponse
            }
        }
    }

    @Test func timesOutASlowEndpoint() async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            let started = ContinuousClock.now
            await #expect(throws: OAuthExchangeError.unreachable("the request timed out")) {
                try await Self.exchange(base + "/slow", with: Self.exchanger(timeout: .milliseconds(300)))
            }
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(OAuthExchangeError.unreachable("x").apiError.code == .tokenEndpointUnreachable)
        }
    }

    @Test func theRequestsDeadlineCutsASlowEndpointShort() async throws {
        try await OAuthExchangeTokenEndpoint.with { _, base in
            let started = ContinuousClock.now
            await #expect(throws: OAuthExchangeError.deadlineExceeded) {
                try await CallerDeadline.$current.withValue(.now + .milliseconds(300)) {
                    try await Self.exchange(base + "/slow", with: Self.exchanger(timeout: .seconds(5)))
                }
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(OAuthExchangeError.deadlineExceeded.apiError.code == .requestDeadlineExceeded)
        }
    }

    @Test func refusesInternalTargetsUnlessAllowed() async throws {
        try await OAuthExchangeTokenEndpoint.with { endpoint, base in
            let guarded = Self.exchanger(allowPrivate: false)
            for url in [base + "/success", "http://169.254.169.254/latest/meta-data/", "http://[::1]:1/", "file:///etc/passwd"] {
                await #expect {
                    try await Self.exchange(url, with: guarded)
                } throws: { error in
                    let apiError = (error as? OAuthExchangeError)?.apiError
                    return apiError?.code == .outboundTargetRefused && apiError?.message.contains("127.0.0.1") == false
                }
            }
            #expect(endpoint.requests.isEmpty)
        }
    }

    @Test func neverDescribesItselfWithSecrets() {
        let errors: [OAuthExchangeError] = [
            .targetRefused("x"), .rejected(error: "invalid_client", description: nil), .unreachable("y"), .badResponse("z"),
        ]
        for error in errors {
            #expect(!error.apiError.message.contains("s3cr3t"))
        }
    }
}
