public import HTTP1

/// An answer the server gives on its own, before or instead of the responder: malformed framing, a limit, a
/// timeout, overload. The server says what happened; the responder's `render(_:)` writes the body, so the API's
/// error format lives with the API, not here.
public struct ServerAnswer: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request broke HTTP/1.1 or a limit (400, 408, 413, 414, 417, 431, 501, 505), or the connection
        /// limit was reached (503).
        case protocolError
        /// The body could not be given room in the shared body budget in time (503).
        case bodyBudgetExhausted
        /// The responder's task ended without an answer (500): a server fault.
        case missingResponse
    }

    public let status: HTTPStatus
    public let kind: Kind
    /// Safe to show the client: says what was wrong, never echoes more than a capped part of the request.
    public let message: String

    public init(status: HTTPStatus, kind: Kind, message: String) {
        self.status = status
        self.kind = kind
        self.message = message
    }

    /// A plain-text answer, for responders that have no error format of their own.
    public var plainText: Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array((message + "\n").utf8))
    }
}
