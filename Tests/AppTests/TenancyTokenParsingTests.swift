@testable import App
import Cryptography
import Domain
import HTTP1
import JSON
import Testing

/// Pure checks of the Authorization header, API key shape and JWT parsing: no database needed.
@Suite struct TenancyTokenParsingTests {
    @Test(arguments: [
        ("Bearer abc", AuthorizationHeader.bearer("abc")), ("bearer  abc ", .bearer("abc")),
        ("JWT a.b.c", .jwt("a.b.c")), ("jwt a.b.c", .jwt("a.b.c")),
        (" \tBeArEr\t\tk-é \t", .bearer("k-é")), ("BEARER x y", .bearer("x y")),
    ])
    func acceptedSchemes(header: String, expected: AuthorizationHeader) {
        #expect(AuthorizationHeader.parse(header) == expected)
    }

    @Test(arguments: ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "abc", " \t ", "Bearé abc", "Bearer\t \t"])
    func refusedHeaders(header: String) {
        #expect(AuthorizationHeader.parse(header) == nil)
    }

    @Test func apiKeysAreLongRandomAndWellFormed() {
        let first = APIKeys.generate().value
        let second = APIKeys.generate().value
        #expect(first != second)
        #expect(first.hasPrefix("eak_") && first.utf8.count == 47)
        #expect(APIKeys.isWellFormed(first))
        #expect(!APIKeys.isWellFormed(String(first.dropLast())))
        #expect(!APIKeys.isWellFormed("eak_" + String(repeating: "!", count: 43)))
        #expect(APIKeys.hash(first).count == 32)
        #expect("\(APIKeys.generate())" == "****")
    }

    @Test func issuerMustEndInSigningKeyID() {
        let id = ULID.generate().string
        #expect(EndUserToken.signingKeyID(fromIssuer: "https://x.example/o/1/sk/\(id)") == id)
        #expect(EndUserToken.signingKeyID(fromIssuer: "sk/\(id)") == id)
        #expect(EndUserToken.signingKeyID(fromIssuer: "https://x.example/\(id)") == nil)
        #expect(EndUserToken.signingKeyID(fromIssuer: "https://x.example/sk/\(id)/extra") == nil)
        #expect(EndUserToken.signingKeyID(fromIssuer: "https://x.example/sk/not-a-ulid") == nil)
    }

    @Test(arguments: ["none", "HS256", "RS384", "ES256"])
    func onlyRS256IsAccepted(alg: String) {
        let token = unsignedToken(header: ["alg": .string(alg)], claims: validClaims())
        #expect(throws: APIError.self) { try EndUserToken(parsing: token) }
        do {
            _ = try EndUserToken(parsing: token)
        } catch {
            #expect(error.code == .invalidToken)
            #expect(error.headers["WWW-Authenticate"] != nil)
        }
    }

    @Test func wellFormedTokenParses() throws {
        let token = try EndUserToken(parsing: unsignedToken(header: ["alg": "RS256"], claims: validClaims(exp: 100, nbf: 50)))
        #expect(token.subject == "user-1")
        #expect(token.expiresAt == 100 && token.notBefore == 50)
    }

    @Test(arguments: ["a.b", "a.b.c.d", "", "..", "!!.!!.!!"])
    func malformedTokensAreRefused(token: String) {
        #expect(throws: APIError.self) { try EndUserToken(parsing: token) }
    }

    @Test func missingSubjectOrBadTimesAreRefused() {
        let noSubject: JSONValue = ["iss": .string("x/sk/\(ULID.generate().string)")]
        #expect(throws: APIError.self) { try EndUserToken(parsing: unsignedToken(header: ["alg": "RS256"], claims: noSubject)) }
        var claims = validClaims()
        if case .object(var object) = claims { object["exp"] = "tomorrow"; claims = .object(object) }
        #expect(throws: APIError.self) { try EndUserToken(parsing: unsignedToken(header: ["alg": "RS256"], claims: claims)) }
    }

    private func validClaims(exp: Int? = nil, nbf: Int? = nil) -> JSONValue {
        var object = JSONObject([("iss", .string("https://x.example/sk/\(ULID.generate().string)")), ("sub", "user-1")])
        if let exp { object["exp"] = .number(Double(exp)) }
        if let nbf { object["nbf"] = .number(Double(nbf)) }
        return .object(object)
    }

    /// A token with a dummy signature: parsing never checks signatures.
    private func unsignedToken(header: JSONValue, claims: JSONValue) -> String {
        Base64.encodeURL(header.serialized()) + "." + Base64.encodeURL(claims.serialized()) + ".c2ln"
    }
}
