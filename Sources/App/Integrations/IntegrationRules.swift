import Domain
import JSON

/// Checks of the integration routes that need no database.
enum IntegrationRules {
    /// `schema` compiled as an integration's `variablesSchema`, or 400 `unsupportedVariablesSchema` naming each
    /// keyword this server does not enforce (or a keyword it enforces, misused) by its path in the body.
    static func compiledSchema(_ schema: JSONValue) throws(APIError) -> JSONSchema {
        do {
            return try JSONSchema(compiling: schema, at: "variablesSchema")
        } catch {
            throw APIError(
                .unsupportedVariablesSchema, "variablesSchema is not a JSON Schema this server enforces",
                fields: error.issues.map { APIError.Field(field: $0.field, message: $0.message) })
        }
    }

    /// The entries of `requested` (an IntegrationMetadata's `usedConnectionTemplates`) that are not among
    /// `templates`, each at its path.
    static func templatesNotOf(templates: Set<String>, requested: [String]) -> [APIError.Field] {
        requested.enumerated().compactMap { index, id in
            templates.contains(id) ? nil
                : APIError.Field(field: "usedConnectionTemplates[\(index)]", message: "is not a connection template of this integration")
        }
    }
}
