import Domain
import JSON
import Postgres

extension Row {
    /// A json/jsonb column parsed into a value.
    func json(_ column: String) throws -> JSONValue {
        try JSONValue.parse(Array(try string(column).utf8))
    }

    func jsonObject(_ column: String) throws -> JSONObject {
        guard case .object(let object) = try json(column) else {
            throw DatabaseError(kind: .protocolViolation, column: column)
        }
        return object
    }

    /// A json array of strings, e.g. a credential's `errors`.
    func stringArray(_ column: String) throws -> [String] {
        guard case .array(let items) = try json(column) else { throw DatabaseError(kind: .protocolViolation, column: column) }
        return try items.map { item in
            guard case .string(let text) = item else { throw DatabaseError(kind: .protocolViolation, column: column) }
            return text
        }
    }

    func timestamp(_ column: String) throws -> Timestamp {
        Timestamp(microsecondsSinceEpoch: try timestampMicros(column))
    }
}

extension JSONValue {
    /// Compact text for a `$n::jsonb` parameter.
    var sqlText: String { String(decoding: serialized(), as: UTF8.self) }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
