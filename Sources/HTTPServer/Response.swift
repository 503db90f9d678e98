public import HTTP1

/// A response: complete, or with a `ResponseStream` for its body. The server adds the framing (`Content-Length`
/// or `Transfer-Encoding`), `Date`, `Connection`, `X-Request-Id` and `traceparent` (with `tracestate` when the
/// caller sent one).
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HeaderFields
    public var body: [UInt8]
    /// A body sent as it is produced instead of `body` (which stays empty); the server frames it.
    public var stream: ResponseStream?

    public init(status: HTTPStatus, headers: HeaderFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = nil
    }

    /// A response whose body is `stream`.
    public init(status: HTTPStatus, headers: HeaderFields, stream: ResponseStream) {
        self.status = status
        self.headers = headers
        self.body = []
        self.stream = stream
    }

    /// A JSON response from already-serialised bytes.
    public static func json(_ status: HTTPStatus, _ body: [UInt8], headers: HeaderFields = [:]) -> Response {
        // Most responses carry no other field: share one list instead of building it for each.
        if headers.count == 0 { return Response(status: status, headers: jsonOnly, body: body) }
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: headers, body: body)
    }

    private static let jsonOnly: HeaderFields = ["Content-Type": "application/json"]
}
