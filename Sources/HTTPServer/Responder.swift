import HTTP1

/// Turns a request into a response. It never throws: mapping errors to responses is the responder's job.
public protocol Responder: Sendable {
    func respond(to request: Request) async -> Response
    /// `respond(to:)` with the route template that answered, for the access log and the metrics. The server
    /// calls this one; the default knows no route.
    func respondRouted(to request: Request) async -> RoutedResponse
    /// The response, made on the event loop's thread without suspending, for requests that need no I/O; nil
    /// sends the request to `respondRouted(to:)` in a task. The default answers nil.
    func respondImmediately(to request: Request) -> RoutedResponse?
    /// Decides on the head alone (`request.body` is empty) whether the body is wanted, on the event loop's
    /// thread: it must not suspend. `arrived` says the whole body came with the head, so refusing it early saves
    /// no memory and costly checks may be left to the handler. The default reads any body.
    func screenBody(of request: Request, arrived: Bool) -> BodyScreening
    /// After `screenBody` answered `.read(admitFirst: true)`, and before the body is read: the checks that
    /// suspend (an API key or token looked up in the database). nil reads the body; a response refuses it. The
    /// default admits.
    func admitBody(of request: Request) async -> RoutedResponse?
    /// The response for an answer the server gives on its own (`ServerAnswer`), on the event loop's thread. The
    /// server adds `Retry-After` where it applies. The default is plain text.
    func render(_ answer: ServerAnswer) -> Response
}

/// A response with the route template that matched (nil when none did), for the access log.
public struct RoutedResponse: Sendable {
    public var response: Response
    public var route: String?

    public init(_ response: Response, route: String?) {
        self.response = response
        self.route = route
    }
}

extension Responder {
    public func respondRouted(to request: Request) async -> RoutedResponse {
        RoutedResponse(await respond(to: request), route: nil)
    }

    public func respondImmediately(to request: Request) -> RoutedResponse? { nil }

    public func screenBody(of request: Request, arrived: Bool) -> BodyScreening { .read(limit: .max, admitFirst: false) }

    public func admitBody(of request: Request) async -> RoutedResponse? { nil }

    public func render(_ answer: ServerAnswer) -> Response { answer.plainText }
}
