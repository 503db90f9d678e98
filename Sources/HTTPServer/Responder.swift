import HTTP1

/// Turns a request into a response. It never throws: mapping errors to responses is the responder's job.
public protocol Responder: Sendable {
    func respond(to request: Request) async -> Response
    /// The response, made on the event loop's thread without suspending, for requests that need no I/O; nil
    /// sends the request to `respond(to:)` in a task. The default answers nil.
    func respondImmediately(to request: Request) -> ImmediateResponse?
}

/// A response made in place, with the route template for the access log (`RouteRecorder` needs a task).
public struct ImmediateResponse: Sendable {
    public var response: Response
    public var route: String?

    public init(_ response: Response, route: String?) {
        self.response = response
        self.route = route
    }
}

extension Responder {
    public func respondImmediately(to request: Request) -> ImmediateResponse? { nil }
}
