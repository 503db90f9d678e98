import OpenAPIRuntime

extension Configuration {
    /// What this server's answers need: its times are RFC 3339 with microseconds (`2026-11-29T03:35:06.123456Z`),
    /// which the runtime's default transcoder (whole seconds) refuses to decode.
    public static let embeddedAPI = Configuration(dateTranscoder: .iso8601WithFractionalSeconds)
}
