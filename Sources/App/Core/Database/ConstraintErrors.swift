import Postgres

/// The API meaning of a constraint a write tripped over: a row another request made or deleted meanwhile.
enum ConstraintErrors {
    static func apiError(for error: DatabaseError) -> APIError? {
        switch (error.sqlState, error.constraint) {
        case ("23505", "connections_name_unique"): .duplicateConnectionName
        case ("23505", "end_users_external_id_unique"): .duplicateExternalID
        case ("23503", "end_users_hub_id_fkey"):
            .notFound(.hubNotFound, "hub")
        case ("23503", "connections_end_user_id_fkey"):
            .notFound(.endUserNotFound, "end user")
        case ("23503", "connections_connector_id_fkey"):
            .notFound(.connectorNotFound, "connector")
        case ("23503", "connection_credentials_credential_id_fkey"):
            .notFound(.credentialNotFound, "credential")
        case ("23505", "activations_one_per_end_user"): .activationExists
        case ("23503", "activations_end_user_id_fkey"):
            .notFound(.endUserNotFound, "end user")
        case ("23503", "activations_integration_id_fkey"):
            .notFound(.integrationNotFound, "integration")
        case ("23503", "activation_connections_template_id_fkey"):
            .notFound(.connectionTemplateNotFound, "connection template")
        // Checked at commit: a connection deleted while an activation still binds it.
        case ("23503", "activation_connections_connection_id_fkey"): .connectionUsedByActivation
        default:
            nil
        }
    }
}

extension APIError {
    static let duplicateConnectionName = APIError(
        .duplicateConnectionName, "this end user already has a connection with this name for this connector")
    static let duplicateExternalID = APIError(
        .duplicateExternalID, "an end user with this externalId already exists in the hub")
    static let activationExists = APIError(.activationExists, "this end user has already activated this integration")
    static let connectionUsedByActivation = APIError(
        .connectionUsedByActivation, "an activation uses this connection; delete the activation first")
}
