import Domain
import JSON
import Postgres

/// A connection as stored, with its bindings in list order. Secrets are not here: credentials carry only
/// `public_data`, whose secret fields are `""`.
struct StoredConnection: Sendable {
    var id: String
    var name: String
    var variables: JSONValue
    var createdAt: Timestamp
    var updatedAt: Timestamp
    var bindings: [StoredBinding]
}

/// Which list a binding is in.
enum BindingUsage: String, Sendable, CaseIterable {
    case action, trigger
}

struct StoredBinding: Sendable {
    var id: String
    var usage: BindingUsage
    var position: Int
    var authSchemeConfig: JSONObject
    var validationMessages: JSONValue
    var credential: StoredCredentialSummary
}

extension StoredConnection {
    /// The columns `decode` reads, from `connections c` and `bindingJoins`' `b` and `cr`, aliased apart from
    /// other tables'.
    static let columns = """
        c.id AS connection_id, c.name AS connection_name, c.variables AS connection_variables,
        c.created_at AS connection_created_at, c.updated_at AS connection_updated_at,
        b.id AS binding_id, b.usage, b.position, b.auth_scheme_config, b.validation_messages,
        cr.id AS credential_id, cr.name AS credential_name, cr.type AS credential_type,
        cr.public_data, cr.errors
        """

    /// The joins from `connections c` to its bindings and their credentials (a row per binding).
    static let bindingJoins = """
        LEFT JOIN connection_credentials b ON b.connection_id = c.id
        LEFT JOIN credentials cr ON cr.id = b.credential_id
        """

    /// The connection in rows with `columns` (one per binding, or one without); nil when `connection_id` is NULL
    /// or there are no rows.
    static func decode(_ rows: [Row]) throws -> StoredConnection? {
        guard let first = rows.first, let id = try first.optionalString("connection_id") else { return nil }
        var bindings: [StoredBinding] = []
        for row in rows where try row.optionalString("binding_id") != nil {
            guard let usage = BindingUsage(rawValue: try row.string("usage")) else {
                throw InvariantViolation("column usage holds neither action nor trigger")
            }
            bindings.append(StoredBinding(
                id: try row.string("binding_id"), usage: usage, position: try row.int("position"),
                authSchemeConfig: try row.jsonObject("auth_scheme_config"),
                validationMessages: try row.json("validation_messages"),
                credential: StoredCredentialSummary(
                    id: try row.string("credential_id"), name: try row.string("credential_name"),
                    type: try row.string("credential_type"), publicData: try row.jsonObject("public_data"),
                    errors: try row.stringArray("errors"))))
        }
        bindings.sort { ($0.usage.rawValue, $0.position) < ($1.usage.rawValue, $1.position) }
        return StoredConnection(
            id: id, name: try first.string("connection_name"), variables: try first.json("connection_variables"),
            createdAt: try first.instant("connection_created_at"), updatedAt: try first.instant("connection_updated_at"),
            bindings: bindings)
    }
}
