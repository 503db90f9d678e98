import JSON

/// The reference's `Message`, used for server-side `validationMessages`.
public struct Message: Sendable, Equatable {
    public enum Severity: String, Sendable, Hashable, CaseIterable { case info, warning, error }

    public var text: String
    public var severity: Severity
    public var detail: [String]

    public init(text: String, severity: Severity, detail: [String] = []) {
        self.text = text
        self.severity = severity
        self.detail = detail
    }

    public var jsonValue: JSONValue {
        ["text": .string(text), "severity": .string(severity.rawValue), "detail": .array(detail.map(JSONValue.string))]
    }
}
