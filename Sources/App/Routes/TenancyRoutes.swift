import HTTPServer

/// Signing keys (Organisations API), connectors (Connect API) and hubs.
enum TenancyRoutes {
    static func register(on router: inout Router, context: AppContext) {}
}
