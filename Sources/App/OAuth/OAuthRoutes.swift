import HTTP1
import HTTPServer

/// The OAuth 2.0 authorization code flow: InitialiseOAuth2EmbeddedConnection (API keys and end-user tokens) and
/// the provider's redirect back, which its single-use `state` authorises.
enum OAuthRoutes {
    static let initialise = "/embed/:hub_id/connector/:connector_id/oauth2/initialise"

    static func register(on router: inout Router, context: AppContext) {
        router.on(.POST, initialise, context: context, access: .organisationOrEndUser) { request, principal in
            try await OAuth2InitialiseRoute.handle(request, principal: principal, context: context)
        }
        router.on(.GET, OAuth2CallbackRoute.path) { request in
            // It writes a connection's credentials, though a GET: the proxy's cached connections go before and after.
            context.usableConnections.forgetAll()
            defer { context.usableConnections.forgetAll() }
            return await OAuth2CallbackRoute.handle(request, context: context)
        }
    }
}
