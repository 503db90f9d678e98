import HTTPServer

/// Signing keys (Organisations API), connectors (Connect API) and hubs (Embedded API).
enum TenancyRoutes {
    static func register(on router: inout Router, context: AppContext) {
        SigningKeyRoutes.register(on: &router, context: context)
        ConnectorRoutes.register(on: &router, context: context)
        HubRoutes.register(on: &router, context: context)
    }
}
