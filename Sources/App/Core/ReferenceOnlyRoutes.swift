import HTTP1
import HTTPServer

/// Operations of the reference Embedded API that this server does not offer yet (Integrations, connection
/// templates, Embed, Activations). They exist so clients get a precise 501 after authentication, not a 404 that
/// looks like a typo; each is listed in openapi/openapi.yaml as not implemented.
enum ReferenceOnlyRoutes {
    static let operations: [(HTTPMethod, String, String)] = [
        (.POST, "/hubs/:hub_id/integrations", "CreateIntegration"),
        (.GET, "/hubs/:hub_id/integrations", "ListIntegrations"),
        (.GET, "/integrations/:integration_id", "GetIntegration"),
        (.PATCH, "/integrations/:integration_id", "UpdateIntegration"),
        (.DELETE, "/integrations/:integration_id", "DeleteIntegration"),
        (.POST, "/integrations/:integration_id/connection-templates", "CreateHubConnectionTemplate"),
        (.GET, "/integrations/:integration_id/connection-templates", "ListIntegrationConnectionTemplates"),
        (.PUT, "/integrations/:integration_id/metadata", "UpdateIntegrationMetadata"),
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
