import HTTP1
import HTTPServer

/// A `Responder` over a `Router` for the server's own tests, answering in plain text: 501 for a method no route
/// answers, 404 when no template matches, 405 with `Allow` when the path exists for other methods, 400 for a path
/// or query parameter that decodes to a NUL, otherwise the handler, whose thrown errors go through `errorMapper`.
/// (The App's responder does the same with the API's error bodies.)
struct RouterResponder: Responder {
    let router: Router
    let errorMapper: @Sendable (any Error, Request) -> Response

    func respond(to request: Request) async -> Response { await respondRouted(to: request).response }

    func respondRouted(to request: Request) async -> RoutedResponse {
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            return RoutedResponse(Self.text(.notFound, "no route for \(request.method) \(request.path)"), route: nil)
        case .methodNotAllowed(let allowed):
            var response = Self.text(.methodNotAllowed, "method \(request.method) not allowed here")
            response.headers.replaceOrAdd(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return RoutedResponse(response, route: nil)
        case .methodNotImplemented:
            return RoutedResponse(Self.text(.notImplemented, "method not implemented"), route: nil)
        case .nulParameter(let name, let template):
            return RoutedResponse(Self.text(.badRequest, "path parameter \(name) contains NUL (%00)"), route: template)
        case .found(_, _, let template) where request.nulQueryParameter != nil:
            let name = request.nulQueryParameter ?? ""
            return RoutedResponse(Self.text(.badRequest, "query parameter \(name) contains NUL (%00)"), route: template)
        case .found(let handler, let parameters, let template):
            var routed = request
            routed.parameters = parameters
            routed.route = template
            do {
                return RoutedResponse(try await handler(routed), route: template)
            } catch {
                return RoutedResponse(errorMapper(error, routed), route: template)
            }
        }
    }

    func respondImmediately(to request: Request) -> RoutedResponse? {
        router.immediateRoute(for: request)?.respond(to: request)
    }

    private static func text(_ status: HTTPStatus, _ message: String) -> Response {
        ServerAnswer(status: status, kind: .protocolError, message: message).plainText
    }
}
