import Domain
import JSON
import Postgres

extension Row {
    func jsonObject(_ column: String) throws -> JSONObject {
        guard case .object(let object) = try json(column) else {
            throw InvariantViolation("column \(column) does not hold the JSON the App writes there")
        }
        return object
    }

    /// A json array of strings, e.g. a credential's `errors`.
    func stringArray(_ column: String) throws -> [String] {
        guard case .array(let items) = try json(column) else { throw InvariantViolation("column \(column) does not hold the JSON the App writes there") }
        return try items.map { item in
            guard case .string(let text) = item else { throw InvariantViolation("column \(column) does not hold the JSON the App writes there") }
            return text
        }
    }

    /// A timestamptz column as a `Timestamp` (`timestamp(_:)` gives its RFC 3339 text).
    func instant(_ column: String) throws -> Timestamp {
        Timestamp(microsecondsSinceEpoch: try timestampMicros(column))
    }
}

extension JSONValue {
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
