import HTTP1
public import HTTPServer
public import JSON

extension Request {
    /// The body as a JSON object: 415 unless `Content-Type` is application/json (charset utf-8 allowed),
    /// 400 when empty, not JSON, or not an object.
    public func jsonObjectBody() throws(APIError) -> JSONObject {
        guard let contentType = headers["Content-Type"], Self.isJSON(contentType) else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json")
        }
        guard !body.isEmpty else { throw APIError(.missingBody, "a JSON request body is required") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw APIError(.malformedJSON, "the request body is not valid JSON", details: error.description)
        }
        guard case .object(let object) = value else {
            throw APIError(.malformedJSON, "the request body must be a JSON object")
        }
        return object
    }

    static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { $0 == "charset=utf-8" || $0 == "charset=\"utf-8\"" }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)[...]
        while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
