import HTTP1
public import HTTPServer
public import JSON

extension Request {
    /// The body as a JSON object: 415 unless `Content-Type` is application/json (charset utf-8 allowed),
    /// 400 when empty, not JSON, or not an object.
    public func jsonObjectBody() throws(APIError) -> JSONObject {
        try requireJSONContentType()
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
        // PostgreSQL cannot store U+0000 in text or json: refuse it here, once for every route, rather than let
        // text columns truncate the value or json columns fail with a 500. Valid JSON can hold one only as the
        // escape `\u0000`, so a body without that text skips the walk, whose field paths cost a tenth of a create.
        guard Self.mayEscapeNUL(body) else { return object }
        var fields: [APIError.Field] = []
        Self.findNUL(in: value, at: "", into: &fields)
        guard fields.isEmpty else { throw APIError.validation(fields) }
        return object
    }

    /// 415 unless `Content-Type` is application/json (charset utf-8 allowed); checked before the body is read too.
    func requireJSONContentType() throws(APIError) {
        guard let contentType = headers["Content-Type"], Self.isJSON(contentType) else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json")
        }
    }

    /// Whether `\u0000` occurs in the bytes (also when its backslash is itself escaped: the walk decides).
    static func mayEscapeNUL(_ body: [UInt8]) -> Bool {
        let escape = nulEscape
        return body.withUnsafeBufferPointer { bytes in
            var next = bytes.offset(of: UInt8(ascii: "\\"))
            while let start = next, start + escape.count <= bytes.count {
                if bytes[start..<(start + escape.count)].elementsEqual(escape) { return true }
                next = bytes.offset(of: UInt8(ascii: "\\"), from: start + 1)
            }
            return false
        }
    }

    private static let nulEscape = Array(#"\u0000"#.utf8)

    private static func findNUL(in value: JSONValue, at path: String, into fields: inout [APIError.Field]) {
        func note(_ field: String) {
            fields.append(APIError.Field(field: field, message: "must not contain the NUL character (U+0000)"))
        }
        switch value {
        case .string(let text) where text.utf8.contains(0):
            note(path)
        case .array(let elements):
            for (index, element) in elements.enumerated() { findNUL(in: element, at: "\(path)[\(index)]", into: &fields) }
        case .object(let object):
            for (key, member) in object {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if key.utf8.contains(0) { note(memberPath) } else { findNUL(in: member, at: memberPath, into: &fields) }
            }
        default:
            break
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.split(separator: ";").map { $0.trimmingOWS().lowercased() }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { $0 == "charset=utf-8" || $0 == "charset=\"utf-8\"" }
    }
}
