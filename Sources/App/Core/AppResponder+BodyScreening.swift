import HTTP1
import HTTPServer

/// A body is wanted only by a route that takes one (`RouteBodyLimits`), from a caller who may call it, in JSON,
/// with no content coding or gzip.
/// What can be told without waiting is told on the event loop (`screenBody`); an API key not yet confirmed, or an
/// end-user token, is looked up in `admitBody`'s task before the body is read. The handler then authenticates
/// as always (an API key admitted this way is by then confirmed in the `APIKeyCache` while it listens).
extension AppResponder {
    func screenBody(of request: Request, arrived: Bool) -> BodyScreening {
        let template: String
        switch router.match(method: request.method, path: request.path, decodingParameters: false) {
        case .notFound: return refusal(Self.routeNotFound, to: request, route: nil)
        case .methodNotImplemented: return refusal(Self.methodNotImplemented, to: request, route: nil)
        case .methodNotAllowed(let allowed):
            return refusal(Self.methodNotAllowed(request, allowed: allowed), to: request, route: nil)
        case .nulParameter(let name, let found):  // not decoded here, so not met; answered as respondRouted would
            return refusal(.apiError(.nulInParameter(path: name)), to: request, route: found)
        case .found(_, _, let found): template = found
        }
        // The proxy forwards bodies of any type as they arrive; its handler authenticates before reading any.
        if template == CredentialAccessRoutes.proxy && ProxyRoute.bodyMethods.contains(request.method) {
            if case .refused(let error) = authenticator.screen(request) {
                return refusal(.apiError(error), to: request, route: template)
            }
            return .stream(limit: proxyMaxBodyBytes)
        }
        guard let limit = RouteBodyLimits.limit(request.method, template) else { return .discard }
        // A body that came whole with its head is already in memory: the handler's own checks are enough.
        if arrived { return .read(limit: limit, admitFirst: false) }
        switch authenticator.screen(request) {
        case .refused(let error):
            return refusal(.apiError(error), to: request, route: template)
        case .needsLookup:
            return .read(limit: limit, admitFirst: true)
        case .confirmed:
            if let refused = mediaTypeRefusal(request, route: template) { return .refuse(refused) }
            return .read(limit: limit, admitFirst: false)
        }
    }

    func admitBody(of request: Request) async -> RoutedResponse? {
        var request = request
        request.route = router.match(method: request.method, path: request.path, decodingParameters: false).template
        do {
            _ = try await authenticator.authenticate(request)
        } catch {
            return routed(errors.response(for: error, request: request), to: request)
        }
        return mediaTypeRefusal(request, route: request.route)
    }

    private func mediaTypeRefusal(_ request: Request, route: String?) -> RoutedResponse? {
        do {
            try request.requireJSONContentType()
            _ = try request.requestContentCoding()
            return nil
        } catch {
            return routed(.apiError(error), to: request, route: route)
        }
    }

    private func refusal(_ response: Response, to request: Request, route: String?) -> BodyScreening {
        .refuse(routed(response, to: request, route: route))
    }

    /// A refusal counts in the metrics like any answer.
    private func routed(_ response: Response, to request: Request, route: String? = nil) -> RoutedResponse {
        let route = route ?? request.route
        record(response, to: request, route: route ?? "unmatched", since: MonotonicTime.nanoseconds())
        return RoutedResponse(response, route: route)
    }
}

extension Router.Match {
    /// The matched route's template, nil when none matched.
    var template: String? {
        if case .found(_, _, let template) = self { return template }
        return nil
    }
}
