/// Domain outcomes of CreateEndUserConnection that are not body-validation failures. They carry no HTTP
/// status: App maps them (404001 hub, 404002 end user, 404003 connector, 409001 duplicate name, ...).
public enum ConnectionRuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case hubNotFound
    case endUserNotFound
    case connectorNotFound
    /// A referenced credential is not in the caller's organisation; `field` is its path.
    case credentialNotFound(field: String)
    /// A referenced credential's type does not fit its authSchemeConfig.
    case credentialSchemeMismatch(field: String)
    /// The end user already has a connection with this name for this connector.
    case duplicateConnectionName

    public var description: String {
        switch self {
        case .hubNotFound: "hub not found"
        case .endUserNotFound: "end user not found"
        case .connectorNotFound: "connector not found"
        case .credentialNotFound(let field): "credential not found at \(field)"
        case .credentialSchemeMismatch(let field): "credential type does not fit the auth scheme at \(field)"
        case .duplicateConnectionName: "a connection with this name already exists for this connector"
        }
    }
}
