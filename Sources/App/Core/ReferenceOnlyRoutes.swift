import HTTP1
import HTTPServer

/// Operations of the reference Embedded API that this server does not offer yet (Embed, activations,
/// dynamic variables). They exist so clients get a precise 501 after authentication, not a 404 that
/// looks like a typo; each is listed in openapi/openapi.yaml as not implemented.
enum ReferenceOnlyRoutes {
    static let operations: [(HTTPMethod, String, String)] = [
        (.GET, "/integrations/:integration_id/users/:user_id/variables", "GetDynamicVariables"),
        (.PUT, "/integrations/:integration_id/users/:user_id/variables", "UpdateDynamicVariablesInternal"),
        (.GET, "/connection-templates/:connection_template_id/users/:user_id", "GetEndUserConnection"),
        (.GET, "/embed/:hub_id/users/:user_id/integrations", "ListEndUserIntegrations"),
        (.GET, "/embed/:hub_id/users/:user_id/integrations/:integration_id", "GetEmbeddedIntegration"),
        (.POST, "/embed/:hub_id/connector/:connector_id/oauth2/initialise", "InitialiseOAuth2EmbeddedConnection"),
        (.GET, "/embed/:hub_id/users/:user_id/activations", "ListEndUserActivations"),
        (.POST, "/activations", "ActivateIntegration"),
        (.GET, "/activations/:activation_id", "GetActivation"),
        (.DELETE, "/activations/:activation_id", "DeleteActivation"),
        (.PUT, "/activations/:activation_id/variables", "UpdateDynamicVariables"),
    ]

    static func register(on router: inout Router, context: AppContext) {
        for (method, template, operation) in operations {
            router.on(method, template, context: context, access: .organisationOrEndUser) { _, _ in
                throw APIError(.notImplemented, "\(operation) is not implemented by this server yet")
            }
        }
    }
}
