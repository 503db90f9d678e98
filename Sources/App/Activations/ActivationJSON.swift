import Domain
import JSON

/// The bodies of the activation and Embed operations. `imageUrl` is never "": without a stored one it is the
/// placeholder (`PlaceholderImage`).
enum ActivationJSON {
    /// `EmbeddedIntegrationSummary`, with `description` (which the reference lists as required) and
    /// `variablesSchema` only when the integration has one.
    static func summary(_ integration: IntegrationRecord, isActivated: Bool, _ configuration: AppConfiguration) -> JSONObject {
        var object = JSONObject([
            ("id", .string(integration.id)),
            ("name", .string(integration.name)),
            ("description", .string(integration.description)),
            ("imageUrl", .string(PlaceholderImage(configuration: configuration).imageURL(integration.imageURL))),
        ])
        if let schema = integration.variablesSchema, !schema.isNull { object["variablesSchema"] = schema }
        object["isDeployed"] = .bool(integration.isDeployed)
        object["isActivated"] = .bool(isActivated)
        return object
    }

    /// `EmbeddedIntegration`: the summary and the templates the integration uses (`HubConnectionTemplate`).
    static func embedded(
        _ integration: IntegrationRecord, isActivated: Bool, templates: [TemplateRecord], _ configuration: AppConfiguration
    ) -> JSONValue {
        var object = summary(integration, isActivated: isActivated, configuration)
        object["connectionTemplates"] = .array(templates.filter(\.isUsed).map { template(integration, $0, configuration) })
        return .object(object)
    }

    /// `HubConnectionTemplate`, as the integration management operations answer it.
    static func template(_ integration: IntegrationRecord, _ template: TemplateRecord, _ configuration: AppConfiguration) -> JSONValue {
        [
            "id": .string(template.id), "integrationId": .string(integration.id), "connectorId": .string(template.connectorID),
            "name": .string(template.connectorName),
            "imageUrl": .string(PlaceholderImage(configuration: configuration).imageURL(template.connectorImageURL)),
            "variables": .array(template.connectorVariables), "authSchemeConfig": .object(template.authSchemeConfig),
            "isUsed": .bool(template.isUsed), "isPrimary": .bool(template.isPrimary), "createdAt": .string(template.createdAt),
        ]
    }

    /// `Activation`, and beyond the reference its `dynamicVariables`, the connection bound to each template and
    /// its times.
    static func activation(
        _ activation: ActivationRecord, organisationID: String, _ configuration: AppConfiguration
    ) -> JSONValue {
        let user: JSONValue = activation.primaryConnection.map {
            EndUserJSON.endUser(activation.endUser, primaryConnection: $0, organisationID: organisationID)
        } ?? .object(EndUserJSON.summary(activation.endUser))
        return .object(JSONObject([
            ("id", .string(activation.id)),
            ("user", user),
            ("hubId", .string(activation.hubID)),
            ("integration", .object(summary(activation.integration, isActivated: true, configuration))),
            ("dynamicVariables", .object(activation.dynamicVariables)),
            ("connections", .array(activation.connections.map { link in
                ["templateId": .string(link.templateID), "connectionId": .string(link.connectionID)]
            })),
            ("createdAt", .string(activation.createdAt.rfc3339)),
            ("updatedAt", .string(activation.updatedAt.rfc3339)),
        ]))
    }

    /// `EndUserActivation`.
    static func endUserActivation(id: String, hubID: String, integration: IntegrationRecord, _ configuration: AppConfiguration) -> JSONValue {
        .object(JSONObject([
            ("id", .string(id)),
            ("hubId", .string(hubID)),
            ("integration", .object(summary(integration, isActivated: true, configuration))),
        ]))
    }
}
