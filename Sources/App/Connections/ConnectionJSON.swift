import Domain
import JSON

/// The `Connection`, `ConnectionSummary` and `Credential` bodies. Credentials show `publicData` only: every
/// secret field is already `""` there.
enum ConnectionJSON {
    static func connection(_ connection: StoredConnection, organisationID: String) -> JSONValue {
        var credentials = JSONObject()
        for usage in BindingUsage.allCases {
            let bindings = connection.bindings.filter { $0.usage == usage }
            credentials[usage.rawValue] = .array(bindings.map { binding(organisationID: organisationID, $0) })
        }
        return .object(JSONObject([
            ("id", .string(connection.id)),
            ("name", .string(connection.name)),
            ("variables", connection.variables),
            ("credentials", .object(credentials)),
            ("createdAt", .string(connection.createdAt.rfc3339)),
            ("updatedAt", .string(connection.updatedAt.rfc3339)),
        ]))
    }

    static func summary(id: String, name: String, createdAt: Timestamp, updatedAt: Timestamp) -> JSONValue {
        .object(JSONObject([
            ("id", .string(id)), ("name", .string(name)),
            ("createdAt", .string(createdAt.rfc3339)), ("updatedAt", .string(updatedAt.rfc3339)),
        ]))
    }

    private static func binding(organisationID: String, _ binding: StoredBinding) -> JSONValue {
        var scheme = binding.authSchemeConfig
        scheme["validationMessages"] = binding.validationMessages
        return .object(JSONObject([
            ("id", .string(binding.id)),
            ("authSchemeConfig", .object(scheme)),
            ("credential", credential(binding.credential, organisationID: organisationID)),
        ]))
    }

    static func credential(_ credential: StoredCredentialSummary, organisationID: String) -> JSONValue {
        .object(JSONObject([
            ("id", .string(credential.id)),
            ("organisationId", .string(organisationID)),
            ("name", .string(credential.name)),
            ("type", .string(credential.type)),
            ("data", .object(credential.publicData)),
            ("errors", .strings(credential.errors)),
        ]))
    }
}
