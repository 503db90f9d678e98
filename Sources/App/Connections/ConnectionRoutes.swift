import HTTP1
import HTTPServer

/// CreateEndUserConnection and the connection routes around it. Each is open to end-user tokens for their own
/// user only.
enum ConnectionRoutes {
    static let collection = "/hubs/:hub_id/users/:user_id/connections"
    static let item = "/hubs/:hub_id/users/:user_id/connections/:connection_id"

    static func register(on router: inout Router, context: AppContext) {
        let creation = ConnectionCreation(context: context)
        router.on(.POST, collection, context: context, access: .organisationOrEndUser) { request, principal in
            try await CreateConnectionRoute.handle(request, principal: principal, creation: creation)
        }
        router.on(.GET, collection, context: context, access: .organisationOrEndUser) { request, principal in
            try await ListConnectionsRoute.handle(request, principal: principal, context: context)
        }
        router.on(.GET, item, context: context, access: .organisationOrEndUser) { request, principal in
            try await GetConnectionRoute.handle(request, principal: principal, context: context)
        }
        router.on(.DELETE, item, context: context, access: .organisationOrEndUser) { request, principal in
            try await DeleteConnectionRoute.handle(request, principal: principal, context: context)
        }
    }
}
