import HTTPServer

/// End users of a hub.
enum EndUserRoutes {
    static func register(on router: inout Router, context: AppContext) {}
}
