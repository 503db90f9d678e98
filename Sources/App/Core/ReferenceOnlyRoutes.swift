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
        (.GET, "/integrations/:integration_id/users/:user_id/variables", "GetDynamicVariables"),
        (.PUT, "/integrations/:integration_id/users/:user_id/variables", "UpdateDynamicVariablesInternal"),
        (.GET, "/connection-templates/:connection_template_id/users/:user_id", "GetEndUserConnection"),
        (.GET, "/embed/:hub_id/users/:user_id/integrations", "ListEndUserIntegrations"),
        (.GET, "/embed/:hub_id/users/:user_id/integrations/:integration_id", "GetEmbeddedIntegration"),
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
