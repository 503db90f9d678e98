public import HTTP1
import Domain
import JSON

/// The one error type that knows HTTP. Everything a handler throws is mapped to one of these by `ErrorMapping`;
/// its body is the contract's `{"code","message","fields","details"}`. `code` is the status times 1000 plus a cause
/// number; the full table is in openapi/openapi.yaml (x-error-codes) and in `ErrorCode`.
public struct APIError: Error, Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var code: ErrorCode
    public var message: String
    public var fields: [Field]
    public var details: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`, `Allow`).
    public var headers: HeaderFields

    public init(_ code: ErrorCode, _ message: String, fields: [Field] = [], details: String? = nil, headers: HeaderFields = [:]) {
        self.code = code
        self.message = message
        self.fields = fields
        self.details = details
        self.headers = headers
    }

    public var status: HTTPStatus { code.status }

    public var json: JSONValue {
        var object = JSONObject([("code", .string(String(code.rawValue))), ("message", .string(message))])
        if !fields.isEmpty {
            object["fields"] = .array(fields.map { ["field": .string($0.field), "message": .string($0.message)] })
        }
        if let details { object["details"] = .string(details) }
        return .object(object)
    }
}

extension APIError {
    public static func notFound(_ code: ErrorCode, _ what: String) -> APIError { APIError(code, "\(what) not found") }

    public static func validation(_ fields: [Field]) -> APIError {
        APIError(.validationFailed, "the request body is invalid", fields: fields)
    }

    /// Runs a Domain decoder, turning its issues into one 400 that names every field.
    public static func decoding<Value>(_ decode: () throws(ValidationFailure) -> Value) throws(APIError) -> Value {
        do {
            return try decode()
        } catch {
            throw validation(error.issues.map { Field(field: $0.field, message: $0.message) })
        }
    }

    /// A path or query parameter that decodes to a NUL (`%00`): libpq would end the value there and read a shorter
    /// one, so it is refused before any handler runs.
    public static func nulInParameter(path name: String) -> APIError {
        APIError(.nulInParameter, "invalid path parameter \(name)", fields: [Field(field: name, message: "must not contain NUL (%00)")])
    }

    public static func nulInParameter(query name: String) -> APIError {
        APIError(.nulInParameter, "invalid query parameter \(name)", fields: [Field(field: name, message: "must not contain NUL (%00)")])
    }

    public static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(.invalidParameter, "invalid query parameter \(name)", fields: [Field(field: name, message: message)])
    }
}
