import HTTP1

/// Every route that takes a request body whole, with the most it may be: one table, so the memory a request can
/// make the server hold is read here rather than found in each handler. A route not listed takes no body: one sent
/// anyway is dropped as it arrives, never held. Each is also capped by MAX_BODY_BYTES, and every body held
/// counts against MAX_BUFFERED_BODY_BYTES. All of them authenticate (`Router.on(_:_:context:)`) and take JSON,
/// which is checked before the body is read. The proxy is not here: it streams bodies of any type
/// (PROXY_MAX_BODY_BYTES, `AppResponder.screenBody`).
enum RouteBodyLimits {
    /// A list, not a dictionary: comparing a few templates (most differ in length) is cheaper than hashing one.
    static let routes: [(method: HTTPMethod, template: String, bytes: Int)] = [
        // Credentials carry keys and certificates (PEM, a few KiB each) and an action list.
        (.POST, ConnectionRoutes.collection, 64 * 1024),
        (.POST, EndUserRoutes.collection, 16 * 1024),
        (.POST, "/hubs", 16 * 1024),
        (.PATCH, "/hubs/:hub_id", 16 * 1024),
        // An integration may carry a variablesSchema and a first connection template.
        (.POST, IntegrationRoutes.collection, 64 * 1024),
        (.PATCH, IntegrationRoutes.item, 64 * 1024),
        (.POST, IntegrationRoutes.templates, 64 * 1024),
        (.PUT, IntegrationRoutes.metadata, 16 * 1024),
        // A public key in PEM: 4096-bit RSA is under 1 KiB.
        (.POST, "/organisations/:organisation_id/keys", 16 * 1024),
        // A connector describes an API's operations, authentication and pagination: the largest documents.
        (.POST, "/o/:organisation_id/protocols/http/connectors", 256 * 1024),
        (.PUT, "/o/:organisation_id/connectors/:connector_id/auth-scheme-configs/:auth_scheme_config_id", 64 * 1024),
        // An activation makes a connection per template it uses, each as large as a CreateEndUserConnection.
        (.POST, "/activations", 256 * 1024),
        (.PUT, "/activations/:activation_id/variables", 64 * 1024),
        (.PUT, "/integrations/:integration_id/users/:user_id/variables", 64 * 1024),
        // A URL, a list of event types and a description.
        (.POST, WebhookRoutes.collection, 16 * 1024),
        // An authorize request: a few URLs and scopes.
        (.POST, OAuthRoutes.initialise, 16 * 1024),
    ]

    /// The limit for a matched route, nil when it takes no body.
    static func limit(_ method: HTTPMethod, _ template: String) -> Int? {
        routes.first { $0.template == template && $0.method == method }?.bytes
    }
}
