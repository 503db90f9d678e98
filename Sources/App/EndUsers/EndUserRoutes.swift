import HTTP1
import HTTPServer

/// End users of a hub. Only GET of one user is open to that user's own token (openapi.yaml); creating, listing
/// and deleting users is for API keys.
enum EndUserRoutes {
    static let collection = "/hubs/:hub_id/users"
    static let item = "/hubs/:hub_id/users/:user_id"

    static func register(on router: inout Router, context: AppContext) {
        let creation = ConnectionCreation(context: context)
        router.on(.POST, collection, context: context, access: .organisation) { request, principal in
            try await CreateEndUserRoute.handle(request, principal: principal, creation: creation)
        }
        router.on(.GET, collection, context: context, access: .organisation) { request, principal in
            try await ListEndUsersRoute.handle(request, principal: principal, context: context)
        }
        router.on(.GET, item, context: context, access: .organisationOrEndUser) { request, principal in
            try await GetEndUserRoute.handle(request, principal: principal, context: context)
        }
        router.on(.DELETE, item, context: context, access: .organisation) { request, principal in
            try await DeleteEndUserRoute.handle(request, principal: principal, context: context)
        }
    }
}
