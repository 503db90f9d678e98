/// Turns a request into a response. It never throws: mapping errors to responses is the responder's job.
public protocol Responder: Sendable {
    func respond(to request: Request) async -> Response
}
