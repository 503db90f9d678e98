/// What an API key may do, checked per route (`AccessPolicy`). The two never imply each other: a runtime that
/// reads credentials needs no power to manage the organisation, and a management key never sees a secret.
public enum APIKeyScope: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Every management operation of the organisation; what a key made without `--scope` has.
    case organisation
    /// Reads stored credentials (`…/connections/{id}/access`) and calls providers through the proxy.
    case connectionsAccess = "connections:access"

    public static func < (lhs: APIKeyScope, rhs: APIKeyScope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a stored or typed list; nil when any entry is unknown or the list is empty.
    public static func parse(_ names: [String]) -> Set<APIKeyScope>? {
        var scopes = Set<APIKeyScope>()
        for name in names {
            guard let scope = APIKeyScope(rawValue: name) else { return nil }
            scopes.insert(scope)
        }
        return scopes.isEmpty ? nil : scopes
    }
}
