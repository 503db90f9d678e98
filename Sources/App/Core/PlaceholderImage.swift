/// The `imageUrl` answered for an integration or connector that has none: the reference requires a URI there, so
/// it is never "". Under `PUBLIC_BASE_URL` the server's own placeholder; without one a self-contained data URI.
enum PlaceholderImage {
    static func url(_ configuration: AppConfiguration) -> String {
        guard let base = configuration.publicBaseURL else { return dataURI }
        return base + "/images/placeholder.svg"
    }

    /// A grey square, percent-encoded where a URI requires it.
    static let dataURI =
        "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%20viewBox%3D%220%200%201%201%22%3E"
        + "%3Crect%20width%3D%221%22%20height%3D%221%22%20fill%3D%22%23ccc%22%2F%3E%3C%2Fsvg%3E"

    /// `stored`, or the placeholder when there is none.
    static func url(_ stored: String?, _ configuration: AppConfiguration) -> String {
        guard let stored, !stored.isEmpty else { return url(configuration) }
        return stored
    }
}
