import Cryptography
import HTTP1
import HTTPServer
import Synchronization

/// A small OAuth 2.0 authorization server's token endpoint, over a real socket, checking what RFC 6749 and RFC 7636
/// require of a token request: client authentication (HTTP Basic), the code's `redirect_uri` and client, the PKCE
/// `code_verifier` against the code's S256 challenge, single-use codes, and refresh tokens it issued. The test
/// plays the browser: it reads the authorize URL and `issue`s the code the provider would redirect with.
final class OAuthTestProvider: Responder, Sendable {
    struct Grant: Sendable {
        var clientID: String
        var redirectURI: String
        var challenge: String
    }

    struct State: Sendable {
        var codes: [String: Grant] = [:]
        var refreshTokens: Set<String> = []
        var issued = 0
        var refreshes: [String] = []
        var tokenRequests: [String] = []
        /// The `traceparent` each token request came with.
        var traceparents: [String?] = []
        /// Refreshes answer 503, as a provider that is down.
        var refreshesUnavailable = false
        /// The `scope` of each client_credentials request.
        var clientCredentialsScopes: [String] = []
    }

    let clientID: String
    let clientSecret: String
    /// Seconds the tokens a code buys live, and those a refresh buys.
    let expiresIn: Int
    let refreshedExpiresIn = 3600
    /// How long a refresh takes to answer, so two refreshers would overlap.
    let refreshDelay: Duration
    private let state = Mutex(State())

    init(clientID: String, clientSecret: String, expiresIn: Int = 3600, refreshDelay: Duration = .zero) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.expiresIn = expiresIn
        self.refreshDelay = refreshDelay
    }

    var snapshot: State { state.withLock { $0 } }

    /// The code the authorization endpoint would hand back for an authorize URL's parameters.
    func issue(code: String, clientID: String, redirectURI: String, challenge: String) {
        state.withLock { $0.codes[code] = Grant(clientID: clientID, redirectURI: redirectURI, challenge: challenge) }
    }

    func setRefreshesUnavailable(_ unavailable: Bool) { state.withLock { $0.refreshesUnavailable = unavailable } }

    func revoke(refreshToken: String) { _ = state.withLock { $0.refreshTokens.remove(refreshToken) } }

    func respond(to request: Request) async -> Response {
        let body = String(decoding: request.body, as: UTF8.self)
        state.withLock {
            $0.tokenRequests.append(body)
            $0.traceparents.append(request.headers["traceparent"])
        }
        let form = Dictionary(QueryString.decode(body).map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let basic = "Basic " + Base64.encode(Array("\(clientID):\(clientSecret)".utf8))
        guard request.path == "/token", request.headers["Authorization"] == basic else {
            return .json(.unauthorized, Array(#"{"error":"invalid_client"}"#.utf8))
        }
        switch form["grant_type"] {
        case "authorization_code":
            let grant = state.withLock { $0.codes.removeValue(forKey: form["code"] ?? "") }
            guard let grant, grant.clientID == clientID, form["redirect_uri"] == grant.redirectURI,
                  let verifier = form["code_verifier"],
                  Base64.encodeURL(Digest.sha256(Array(verifier.utf8))) == grant.challenge
            else { return Self.error("invalid_grant") }
            return tokens(expiresIn: expiresIn)
        case "refresh_token":
            if refreshDelay > .zero { try? await Task.sleep(for: refreshDelay) }
            let token = form["refresh_token"] ?? ""
            let (known, unavailable) = state.withLock { state in
                state.refreshes.append(token)
                return state.refreshesUnavailable ? (false, true) : (state.refreshTokens.remove(token) != nil, false)
            }
            if unavailable { return .json(.serviceUnavailable, Array(#"{"message":"down"}"#.utf8)) }
            return known ? tokens(expiresIn: refreshedExpiresIn) : Self.error("invalid_grant")
        case "password":
            guard form["username"] == "ada", form["password"] == "PW-SECRET-7" else { return Self.error("invalid_grant") }
            let number = state.withLock { state in
                state.issued += 1
                return state.issued
            }
            return .json(.ok, Array(#"{"access_token":"PW-\#(number)","token_type":"Bearer","expires_in":\#(expiresIn)}"#.utf8))
        case "client_credentials":
            let number = state.withLock { state in
                state.issued += 1
                state.clientCredentialsScopes.append(form["scope"] ?? "")
                return state.issued
            }
            return .json(.ok, Array(#"{"access_token":"CC-\#(number)","token_type":"Bearer","expires_in":\#(expiresIn)}"#.utf8))
        default:
            return Self.error("unsupported_grant_type")
        }
    }

    private func tokens(expiresIn: Int) -> Response {
        let number = state.withLock { state in
            state.issued += 1
            state.refreshTokens.insert("RT-\(state.issued)")
            return state.issued
        }
        let body = #"{"access_token":"AT-\#(number)","refresh_token":"RT-\#(number)","token_type":"Bearer","expires_in":\#(expiresIn)}"#
        return .json(.ok, Array(body.utf8))
    }

    private static func error(_ code: String) -> Response {
        .json(.badRequest, Array(#"{"error":"\#(code)"}"#.utf8))
    }
}
