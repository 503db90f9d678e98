public import HTTP1
public import HTTPServer

/// Who may call a route.
public enum AccessPolicy: Sendable {
    /// API keys only; an end-user token answers 403.
    case organisation
    /// API keys, and end-user tokens — the handler then must check the token's user owns the path
    /// (`EndUserScope`), since only it can resolve the path's user.
    case organisationOrEndUser
}

public typealias AuthenticatedHandler = @Sendable (Request, Principal) async throws -> Response

extension Router {
    /// Registers a route that runs only after authentication succeeds and the policy allows the principal.
    public mutating func on(
        _ method: HTTPMethod, _ template: String, context: AppContext, access: AccessPolicy = .organisation,
        _ handler: @escaping AuthenticatedHandler
    ) {
        let authenticator = context.authenticator
        on(method, template) { request in
            let principal = try await authenticator.authenticate(request)
            if case .endUser = principal, access == .organisation {
                throw APIError(.forbidden, "an end-user token cannot call this operation")
            }
            return try await handler(request, principal)
        }
    }
}
