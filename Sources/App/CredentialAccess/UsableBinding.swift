import Domain
import HTTP1
import JSON

/// One binding of a connection with its credential opened: everything needed to authenticate a request as the
/// end user. Lives only for the request that loaded it; never logged (its description names no value).
struct UsableBinding: Sendable, CustomStringConvertible {
    var usage: BindingUsage
    var position: Int
    var config: AuthSchemeConfig
    var credentialID: String
    var credentialType: CredentialType
    /// The credential's non-secret fields.
    var publicData: JSONObject
    /// The credential's secret fields, opened from the vault.
    var secrets: JSONObject

    var description: String { "binding \(usage.rawValue):\(position) (\(config.schemeType.rawValue))" }

    /// A field of the credential, secret or not (`value`, `username`, `key`, …); "" when absent.
    func field(_ name: String) -> String {
        secrets[name]?.stringValue ?? publicData[name]?.stringValue ?? ""
    }

    /// `{usage, position, authSchemeConfigId, schemeType}`: how answers and audit rows name a binding.
    var reference: JSONObject {
        JSONObject([
            ("usage", .string(usage.rawValue)), ("position", .number(Double(position))),
            ("authSchemeConfigId", .string(config.id)), ("schemeType", .string(config.schemeType.rawValue)),
        ])
    }
}

/// A connection's bindings with their credentials opened, and whose they are.
struct UsableConnection: Sendable {
    var connectionID: String
    var endUserID: String
    var connectorBaseURL: String
    var connectorID: String
    /// Actions then triggers, each in list order.
    var bindings: [UsableBinding]

    /// The binding that `Connection-Binding` (`action:N` / `trigger:N`) names, by default the first action.
    func binding(_ selector: BindingSelector) throws(APIError) -> UsableBinding {
        guard let found = bindings.first(where: { $0.usage == selector.usage && $0.position == selector.position }) else {
            throw APIError(
                .connectionBindingNotFound,
                "the connection has no \(selector.usage.rawValue) binding at position \(selector.position)",
                fields: [APIError.Field(field: BindingSelector.header, message: "names no binding of the connection")])
        }
        return found
    }
}

/// `Connection-Binding: action:0` / `trigger:2`.
struct BindingSelector: Sendable, Equatable {
    static let header = "Connection-Binding"
    static let firstAction = BindingSelector(usage: .action, position: 0)

    var usage: BindingUsage
    var position: Int

    /// The header's binding, `firstAction` when absent; 400 for anything but one `usage:N`.
    static func from(_ values: [String]) throws(APIError) -> BindingSelector {
        guard !values.isEmpty else { return firstAction }
        let refusal = APIError(
            .invalidConnectionBinding, "Connection-Binding must be action:N or trigger:N",
            fields: [APIError.Field(field: header, message: "must be action:N or trigger:N, once")])
        guard values.count == 1 else { throw refusal }
        let parts = values[0].trimmingOWS().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let usage = BindingUsage(rawValue: String(parts[0])),
              parts[1].utf8.count <= 4, parts[1].utf8.allSatisfy({ (48...57).contains($0) }), let position = Int(parts[1])
        else { throw refusal }
        return BindingSelector(usage: usage, position: position)
    }
}
