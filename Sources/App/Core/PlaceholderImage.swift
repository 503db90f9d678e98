import Cryptography
import HTTP1
import HTTPServer

/// The image answered as `imageUrl` where the reference requires a URI and the client gave none (an integration,
/// a connector, a connection template): a plain tile the server serves itself at `path`. Its URL is
/// `<PUBLIC_BASE_URL>/images/placeholder.svg` when the public base URL is configured; otherwise the same SVG as a
/// `data:` URI, since a URL built from the request's Host header would point wherever the client said.
public struct PlaceholderImage: Sendable {
    public static let path = "/images/placeholder.svg"

    /// A rounded grey tile with a stylised picture: recognisably "no image", 64×64, no external references.
    static let svg = Array("""
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\
        <rect width="64" height="64" rx="12" fill="#e5e7eb"/>\
        <circle cx="24" cy="24" r="6" fill="#9ca3af"/>\
        <path d="M12 50 L28 32 L38 42 L44 36 L52 50 Z" fill="#9ca3af"/>\
        </svg>
        """.utf8)

    static let dataURI = "data:image/svg+xml;base64," + Base64.encode(svg)

    /// The URL answered for "no image".
    public let url: String

    public init(publicBaseURL: String?) {
        url = publicBaseURL.map { $0 + Self.path } ?? Self.dataURI
    }

    public init(configuration: AppConfiguration) { self.init(publicBaseURL: configuration.publicBaseURL) }

    /// `stored` when the client gave one, else the placeholder.
    public func imageURL(_ stored: String?) -> String { stored ?? url }

    /// `GET /images/placeholder.svg`: no authentication (an `<img>` sends none), cacheable for a day.
    static func register(on router: inout Router) {
        let response = Response(
            status: .ok, headers: ["Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"], body: svg)
        router.onImmediate(.GET, path) { _ in response }
    }
}
