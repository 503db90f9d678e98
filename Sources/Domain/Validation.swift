/// One problem with a request field. `field` is a path such as
/// `connection.credentials.action[0].credential.data.value`; `message` never quotes a secret.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in a request body (never just the first).
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { "validation failed: " + issues.map(\.description).joined(separator: "; ") }
}

/// The bounds every decoder applies.
public enum ValidationLimits {
    /// Most strings: names, ids, URLs, usernames.
    public static let maxStringLength = 1024
    /// Secret values, tokens, PEM material and JWT payloads.
    public static let maxPayloadLength = 64 * 1024
    public static let maxVariables = 100
    /// Per `action` or `trigger` list, and per connector's `authSchemeConfigs`.
    public static let maxCredentialsPerList = 20
    public static let maxScopes = 100
}

/// Collects issues while a decoder keeps going, so one response can list them all.
final class IssueCollector {
    private(set) var issues: [ValidationIssue] = []

    func report(_ field: String, _ message: String) { issues.append(ValidationIssue(field: field, message: message)) }

    /// Throws everything collected, if anything.
    func throwIfAny() throws(ValidationFailure) {
        if !issues.isEmpty { throw ValidationFailure(issues: issues) }
    }
}

enum FieldPath {
    static func member(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    static func element(_ base: String, _ index: Int) -> String { base + "[\(index)]" }
}

extension String {
    /// Length as users count it for limits: Unicode scalars.
    var scalarCount: Int { unicodeScalars.count }
}
