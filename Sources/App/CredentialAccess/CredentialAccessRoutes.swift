import HTTP1
import HTTPServer

/// The routes that put stored credentials to work: `/access` and the proxy (API keys with the
/// `connections:access` scope), and the organisation's audit trail of `/access`.
enum CredentialAccessRoutes {
    static let access = "/hubs/:hub_id/users/:user_id/connections/:connection_id/access"
    static let auditEvents = "/o/:organisation_id/audit-events"
    static let proxy = "/hubs/:hub_id/users/:user_id/connections/:connection_id/proxy/*path"

    static func register(on router: inout Router, context: AppContext) {
        let connections = UsableConnectionStore(database: context.database, vault: CredentialVault(keyRing: context.keyRing))
        let audit = AuditLog(database: context.database)
        let tokens = context.accessTokens ?? RefreshingAccessTokens(context: context)
        let route = AccessRoute(connections: connections, audit: audit, tokens: tokens)
        router.on(.GET, access, context: context, access: .connectionsAccess) { request, principal in
            try await route.handle(request, principal: principal)
        }
        let proxyRoute = ProxyRoute(
            connections: connections, cachedConnections: context.usableConnections, tokens: tokens, client: context.outbound,
            metrics: context.metrics.proxy)
        for method in ProxyRoute.methods {
            router.on(method, proxy, context: context, access: .connectionsAccess) { request, principal in
                try await proxyRoute.handle(request, principal: principal)
            }
        }
        router.on(.GET, auditEvents, context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await audit.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "auditEvents") { $0 })
        }
    }
}
