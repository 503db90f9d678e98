import HTTPServer

/// CreateEndUserConnection and the connection routes around it.
enum ConnectionRoutes {
    static func register(on router: inout Router, context: AppContext) {}
}
