import HTTP1
import HTTPServer
import JSON
import Postgres
import TraceContext

/// Routes a request, runs its handler within the request's time limit, maps any thrown error, and records the
/// outcome: the route template for the server's access log (returned beside the response) and the Prometheus
/// metrics.
struct AppResponder: Responder {
    let router: Router
    let errors: ErrorMapping
    let metrics: Metrics
    /// Screens credentials before a body is read (`AppResponder+BodyScreening.swift`).
    let authenticator: any Authenticating
    /// Every database wait and outbound call of the handler ends by this long after it starts (`CallerDeadline`):
    /// a statement still running then is cancelled, its writes rolled back, and the client answered 503
    /// `requestDeadlineExceeded`.
    let requestTimeout: Duration
    /// Gzips answers where the client takes it (`ResponseCompression`).
    var compression = ResponseCompression()
    /// MAX_BODY_BYTES: with the route's own limit, the most a gzip request body may inflate to.
    var maxBodyBytes = Int.max
    /// PROXY_MAX_BODY_BYTES: the most a proxied body may stream.
    var proxyMaxBodyBytes = 100 * 1024 * 1024

    func respond(to request: Request) async -> Response { await respondRouted(to: request).response }

    func respondRouted(to request: Request) async -> RoutedResponse {
        let start = MonotonicTime.nanoseconds()
        var request = request
        var response: Response
        switch router.match(method: request.method, path: request.path) {
        case .found(let handler, let parameters, let template):
            request.parameters = parameters
            request.route = template
            if let name = request.nulQueryParameter {
                response = .apiError(.nulInParameter(query: name))
                break
            }
            do {
                if let limit = RouteBodyLimits.limit(request.method, template), request.headers.contains("Content-Encoding") {
                    try await decodeBody(of: &request, limit: min(limit, maxBodyBytes))
                }
                // The trace is the task's for the handler's outbound calls, stored events and log lines.
                response = try await RequestTrace.$current.withValue(request.trace) { [request] in
                    try await CallerDeadline.$current.withValue(.now + requestTimeout) { try await handler(request) }
                }
            } catch {
                response = errors.response(for: error, request: request)
            }
        case .nulParameter(let name, let template):
            request.route = template
            response = .apiError(.nulInParameter(path: name))
        case .methodNotImplemented:
            response = Self.methodNotImplemented
        case .methodNotAllowed(let allowed):
            response = Self.methodNotAllowed(request, allowed: allowed)
        case .notFound:
            response = Self.routeNotFound
        }
        response = await compression.apply(response, for: request)
        record(response, to: request, route: request.route ?? Metrics.unmatchedRoute, since: start)
        return RoutedResponse(response, route: request.route)
    }

    /// Health, metrics and the API document answer on the event loop (`Router.onImmediate(_:_:_:)`).
    func respondImmediately(to request: Request) -> RoutedResponse? {
        guard let route = router.immediateRoute(for: request) else { return nil }
        let start = MonotonicTime.nanoseconds()
        var routed = route.respond(to: request)
        routed.response = compression.applyInPlace(routed.response, for: request)
        record(routed.response, to: request, route: route.template, since: start)
        return routed
    }

    static let methodNotImplemented = Response.apiError(
        APIError(.methodOrCodingNotImplemented, "the method is not implemented by this server"))

    static func methodNotAllowed(_ request: Request, allowed: [HTTPMethod]) -> Response {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return .apiError(APIError(
            .methodNotAllowed, "\(request.method) is not allowed here; allowed: \(allow)", headers: ["Allow": allow]))
    }

    static var routeNotFound: Response { .apiError(APIError(.routeNotFound, "no such route")) }

    func record(_ response: Response, to request: Request, route: String, since start: UInt64) {
        let seconds = Double(MonotonicTime.nanoseconds() &- start) / 1e9
        metrics.record(method: request.method, route: route, status: response.status.code, seconds: seconds)
    }
}
