import HTTP1
import HTTPServer

/// The routes that put stored credentials to work: `/access` (API keys with the
/// `connections:access` scope), and the organisation's audit trail of `/access`.
enum CredentialAccessRoutes {
    static let access = "/hubs/:hub_id/users/:user_id/connections/:connection_id/access"
    static let auditEvents = "/o/:organisation_id/audit-events"

    static func register(on router: inout Router, context: AppContext) {
        let connections = UsableConnectionStore(database: context.database, vault: CredentialVault(keyRing: context.keyRing))
        let audit = AuditLog(database: context.database)
        let route = AccessRoute(connections: connections, audit: audit, tokens: context.accessTokens)
        router.on(.GET, access, context: context, access: .connectionsAccess) { request, principal in
            try await route.handle(request, principal: principal)
        }
        router.on(.GET, auditEvents, context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await audit.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "auditEvents") { $0 })
        }
    }
}
