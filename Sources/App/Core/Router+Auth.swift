public import HTTP1
public import HTTPServer

/// Who may call a route.
public enum AccessPolicy: Sendable {
    /// API keys only; an end-user token answers 403.
    case organisation
    /// API keys, and end-user tokens — the handler then must check the token's user owns the path
    /// (`EndUserScope`), since only it can resolve the path's user.
    case organisationOrEndUser
    /// API keys with the `connections:access` scope only: the routes that use stored credentials.
    case connectionsAccess

    /// The API-key scope the policy needs.
    var requiredScope: APIKeyScope {
        self == .connectionsAccess ? .connectionsAccess : .organisation
    }
}

public typealias AuthenticatedHandler = @Sendable (Request, Principal) async throws -> Response

extension Router {
    /// Registers a route that runs only after authentication succeeds and the policy allows the principal.
    public mutating func on(
        _ method: HTTPMethod, _ template: String, context: AppContext, access: AccessPolicy = .organisation,
        _ handler: @escaping AuthenticatedHandler
    ) {
        let authenticator = context.authenticator
        // A write may change a connection, its credentials or the path to it: the proxy's cached connections are
        // forgotten before it runs and after (`UsableConnectionCache`). The proxy's and /access's own methods are
        // not writes of ours.
        let writes = access != .connectionsAccess && ![.GET, .HEAD, .OPTIONS].contains(method)
        let usableConnections = context.usableConnections
        on(method, template) { request in
            let principal = try await authenticator.authenticate(request)
            switch principal {
            case .endUser where access == .organisationOrEndUser: break
            case .endUser where access == .connectionsAccess:
                throw APIError(.scopeMissing, "an end-user token cannot use stored credentials")
            case .endUser: throw APIError(.forbidden, "an end-user token cannot call this operation")
            case .organisation(_, _, let scopes) where !scopes.contains(access.requiredScope):
                throw APIError(.scopeMissing, "this API key lacks the \(access.requiredScope.rawValue) scope")
            case .organisation: break
            }
            guard writes else { return try await handler(request, principal) }
            usableConnections.forgetAll()
            defer { usableConnections.forgetAll() }
            return try await handler(request, principal)
        }
    }
}
