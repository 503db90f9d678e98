public import HTTP1

/// A complete response. The server adds `Content-Length`, `Date`, `Connection` and `X-Request-Id`.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HeaderFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
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

    /// The contract's error body, `{"code":"NNNNNN","message":"..."}`, for errors the server itself answers
    /// (framing, routing, limits). `code` is the status times 1000 plus `cause`.
    public static func error(_ status: HTTPStatus, cause: Int = 0, message: String) -> Response {
        let code = status.code * 1000 + cause
        var body = "{\"code\":\"\(code)\",\"message\":\""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            case "\n": body += "\\n"
            case _ where scalar.value < 0x20: body += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: body.unicodeScalars.append(scalar)
            }
        }
        body += "\"}"
        return .json(status, Array(body.utf8))
    }
}
