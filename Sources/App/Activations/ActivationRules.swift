import Domain
import JSON

/// The rules of an activation that need the integration but no statement: which entry fills which template,
/// the schemes of new connections, the dynamic variables. Pure, so each refusal is tested on its own.
enum ActivationRules {
    /// An entry and the template it fills.
    struct Matched: Sendable {
        var entry: ActivationCreate.Entry
        var template: TemplateRecord
    }

    /// One entry per used template: every entry names a used template of this integration, none twice, and no
    /// used template is left out (reported at `connections`, naming the template). 400 naming every problem.
    static func match(_ entries: [ActivationCreate.Entry], templates: [TemplateRecord]) throws(APIError) -> [Matched] {
        var problems: [APIError.Field] = []
        var matched: [Matched] = []
        var filledBy: [String: String] = [:]
        for entry in entries {
            let id = entry.templateID.string
            let at = entry.field + ".templateId"
            guard let template = templates.first(where: { $0.id == id }) else {
                problems.append(APIError.Field(field: at, message: "is not a connection template of this integration"))
                continue
            }
            if let earlier = filledBy[id] {
                problems.append(APIError.Field(field: at, message: "names the same template as \(earlier)"))
                continue
            }
            filledBy[id] = entry.field
            guard template.isUsed else {
                problems.append(APIError.Field(field: at, message: "is a template the integration's metadata does not use"))
                continue
            }
            matched.append(Matched(entry: entry, template: template))
        }
        for template in templates where template.isUsed && filledBy[template.id] == nil {
            problems.append(APIError.Field(field: "connections", message: "has no entry for used connection template \(template.id)"))
        }
        guard problems.isEmpty else {
            throw APIError(.activationConnectionsInvalid, "connections must hold one entry per used connection template", fields: problems)
        }
        return matched
    }

    /// A new connection's bindings with the template's scheme in place of the client's: each binding must name
    /// the template's (same `id` and `schemeType`), and each new credential must still fit it (an oauth2 grant's
    /// type, say, is the template's). 400 at each binding's path otherwise.
    static func bindingTemplateScheme(_ connection: ConnectionCreate, template scheme: AuthSchemeConfig) throws(APIError) -> ConnectionCreate {
        var problems: [APIError.Field] = []
        var misfits: [APIError.Field] = []
        func rebind(_ entries: [ConnectionCredentialInput]) -> [ConnectionCredentialInput] {
            entries.map { entry in
                let given = entry.authSchemeConfig
                guard given.id == scheme.id, given.schemeType == scheme.schemeType else {
                    problems.append(APIError.Field(
                        field: entry.field + ".authSchemeConfig",
                        message: "must be the connection template's authSchemeConfig (id \"\(scheme.id)\", schemeType \"\(scheme.schemeType.rawValue)\")"))
                    return entry
                }
                var rebound = entry
                rebound.authSchemeConfig = scheme
                if case .new(let credential) = entry.credential,
                   let issue = scheme.compatibilityIssue(for: credential.type, at: entry.credentialField + ".type") {
                    misfits.append(APIError.Field(field: issue.field, message: issue.message))
                }
                return rebound
            }
        }
        var rebound = connection
        rebound.action = rebind(connection.action)
        rebound.trigger = rebind(connection.trigger)
        if !problems.isEmpty {
            throw APIError(.authSchemeConfigMismatch, "a binding's authSchemeConfig is not its template's", fields: problems)
        }
        if !misfits.isEmpty { throw APIError.validation(misfits) }
        return rebound
    }

    /// The variables to store: `given` (nil: `{}`) valid under `schema` (nil: any object) with its defaults
    /// applied; 400 naming each failure at `dynamicVariables.<path>`.
    static func variables(_ given: JSONObject?, schema: JSONSchema?) throws(APIError) -> JSONObject {
        let instance = JSONValue.object(given ?? JSONObject())
        guard let schema else { return given ?? JSONObject() }
        do {
            guard case .object(let object) = try schema.validated(instance, at: DynamicVariables.field) else {
                return given ?? JSONObject()
            }
            return object
        } catch {
            throw APIError(
                .dynamicVariablesInvalid, "dynamicVariables does not satisfy the integration's variablesSchema",
                fields: error.issues.map { APIError.Field(field: $0.field, message: $0.message) })
        }
    }
}
