import HTTPServer

/// Every route of the server. Each feature registers its own routes in its own file.
enum AppRoutes {
    static func makeRouter(context: AppContext) -> Router {
        var router = Router()
        OperationalRoutes.register(on: &router, context: context)
        TenancyRoutes.register(on: &router, context: context)
        EndUserRoutes.register(on: &router, context: context)
        ConnectionRoutes.register(on: &router, context: context)
        ActivationRoutes.register(on: &router, context: context)
        EmbedRoutes.register(on: &router, context: context)
        WebhookRoutes.register(on: &router, context: context)
        IntegrationRoutes.register(on: &router, context: context)
        OAuthRoutes.register(on: &router, context: context)
        CredentialAccessRoutes.register(on: &router, context: context)
        return router
    }
}
