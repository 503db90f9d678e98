import HTTP1
import HTTPServer

/// Operations of the reference Embedded API that this server does not offer yet (the OAuth 2.0 initialise, until
/// the OAuth flow is merged). They exist so clients get a precise 501 after authentication, not a 404 that
/// looks like a typo; each is listed in openapi/openapi.yaml as not implemented.
enum ReferenceOnlyRoutes {
    static let operations: [(HTTPMethod, String, String)] = [
        (.POST, "/embed/:hub_id/connector/:connector_id/oauth2/initialise", "InitialiseOAuth2EmbeddedConnection"),
    ]

    static func register(on router: inout Router, context: AppContext) {
        for (method, template, operation) in operations {
            router.on(method, template, context: context, access: .organisationOrEndUser) { _, _ in
                throw APIError(.notImplemented, "\(operation) is not implemented by this server yet")
            }
        }
    }
}
