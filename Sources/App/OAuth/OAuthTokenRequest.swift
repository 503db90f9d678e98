import Cryptography
import HTTP1
import HTTPClient
import HTTPServer

/// The access token request of the authorization code grant (RFC 6749 §4.1.3), with the client authenticated by
/// HTTP Basic (§2.3.1: client id and secret form-encoded, joined by a colon, then base64).
struct OAuthTokenRequest {
    var tokenURL: String
    var code: String
    var redirectURI: String?
    var clientID: String
    var clientSecret: String
    /// The scheme's `additionalTokenParams` (form-encoded); parameters of the grant itself cannot be overridden.
    var additionalParameters: String?
    /// The PKCE verifier of the authorization request (RFC 7636 §4.5), when it sent a challenge.
    var codeVerifier: String? = nil

    static let grantParameters: Set = ["grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier"]

    var outbound: OutboundRequest {
        var form = [("grant_type", "authorization_code"), ("code", code)]
        if let redirectURI { form.append(("redirect_uri", redirectURI)) }
        if let codeVerifier { form.append(("code_verifier", codeVerifier)) }
        let extra = QueryString.decode(additionalParameters ?? "")
        form += extra.filter { !$0.name.isEmpty && !Self.grantParameters.contains($0.name) }
        return Self.outbound(tokenURL: tokenURL, form: form, clientID: clientID, clientSecret: clientSecret)
    }

    /// A token request (any grant) carrying `form`, the client authenticated by HTTP Basic.
    static func outbound(tokenURL: String, form: [(String, String)], clientID: String, clientSecret: String) -> OutboundRequest {
        let credentials = FormEncoding.encode(clientID) + ":" + FormEncoding.encode(clientSecret)
        let headers: HeaderFields = [
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Authorization": "Basic " + Base64.encode(Array(credentials.utf8)),
            "Cache-Control": "no-store",
        ]
        return OutboundRequest(method: .POST, url: tokenURL, headers: headers, body: Array(FormEncoding.encode(form).utf8))
    }
}

/// `application/x-www-form-urlencoded` serialisation (RFC 6749 Appendix B, WHATWG URL §5.2).
enum FormEncoding {
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// Keeps ASCII alphanumerics and `*-._`, writes space as `+`, percent-encodes every other UTF-8 byte.
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                output += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return output
    }
}
