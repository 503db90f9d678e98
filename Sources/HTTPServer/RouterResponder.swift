import HTTP1

/// The `Responder` over a `Router`: 501 for a method no route answers, 404 when no template matches, 405 with
/// `Allow` when the path exists for other methods, 400 (`400009`) for a path or query parameter that decodes to a
/// NUL, otherwise the handler, whose thrown errors go through `errorMapper`.
public struct RouterResponder: Responder {
    public let router: Router
    public let errorMapper: @Sendable (any Error, Request) -> Response

    public init(router: Router, errorMapper: @escaping @Sendable (any Error, Request) -> Response) {
        self.router = router
        self.errorMapper = errorMapper
    }

    public func respond(to request: Request) async -> Response {
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            return .error(.notFound, message: "no route for \(request.method) \(Self.printable(request.path))")
        case .methodNotAllowed(let allowed):
            var response = Response.error(
                .methodNotAllowed, message: "method \(request.method) not allowed for \(Self.printable(request.path))")
            response.headers.replaceOrAdd(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return response
        case .methodNotImplemented:
            return .error(.notImplemented, message: "method not implemented")
        case .nulParameter(let name, let template):
            RouteRecorder.record(template)
            return .error(.badRequest, cause: Self.nulParameterCause, message: "path parameter \(name) contains NUL (%00)")
        case .found(_, _, let template) where request.nulQueryParameter != nil:
            RouteRecorder.record(template)
            return .error(.badRequest, cause: Self.nulParameterCause,
                          message: "query parameter \(Self.printable(request.nulQueryParameter ?? "")) contains NUL (%00)")
        case .found(let handler, let parameters, let template):
            RouteRecorder.record(template)
            var routed = request
            routed.parameters = parameters
            routed.route = template
            do {
                return try await handler(routed)
            } catch {
                return errorMapper(error, routed)
            }
        }
    }

    public func respondImmediately(to request: Request) -> RoutedResponse? {
        router.immediateRoute(for: request)?.respond(to: request)
    }

    /// `ErrorCode.nulInParameter` (400009) in the App's table.
    static let nulParameterCause = 9

    /// The path is echoed in messages; cap it so an 8 KiB target does not become an 8 KiB error body.
    private static func printable(_ path: String) -> String {
        path.utf8.count <= 200 ? path : String(path.prefix(200)) + "…"
    }
}
