public import HTTP1
public import HTTPServer
public import JSON

extension Response {
    /// A JSON response, indented for people reading curl output, ending in a newline.
    public static func json(_ status: HTTPStatus, _ value: JSONValue, headers: HeaderFields = [:]) -> Response {
        var body = value.prettySerialized()
        body.append(UInt8(ascii: "\n"))
        return .json(status, body, headers: headers)
    }

    public static func apiError(_ error: APIError) -> Response {
        .json(error.status, error.json, headers: error.headers)
    }
}
