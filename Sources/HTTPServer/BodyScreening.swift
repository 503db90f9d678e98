/// What a responder decides from a request's head, before any of its body is read (`Responder.screenBody`).
public enum BodyScreening: Sendable {
    /// Buffer a body of at most `limit` bytes (413 beyond) against the server's `BodyBudget`. When `admitFirst`,
    /// `Responder.admitBody(of:)` runs before the body is read, and may still refuse it.
    case read(limit: Int, admitFirst: Bool)
    /// The route takes no body: it is read and dropped as it arrives, never held, and the handler sees none.
    case discard
    /// Answer this without reading the body. The connection then closes, unless the whole body had already
    /// arrived with the head (it is dropped, and the connection stays usable).
    case refuse(RoutedResponse)
    /// Dispatch at once and hand the body to the handler as it arrives (`Request.bodyStream`), at most `limit`
    /// bytes (413 on a larger Content-Length; a chunked body past it fails the stream and closes the connection
    /// after the answer). Nothing is reserved in the `BodyBudget`: the stream holds a bounded buffer.
    case stream(limit: Int)
}
