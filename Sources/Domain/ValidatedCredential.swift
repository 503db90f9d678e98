import JSON

/// A new credential that passed validation, split for storage: `publicData` is stored in clear (every secret
/// field replaced by `""`), `secretData` (only the secret fields) is sealed. Printing it never shows a secret.
public struct ValidatedCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    public var name: String
    public var type: CredentialType
    public var publicData: JSONObject
    public var secretData: JSONObject
    /// The credential's `errors` as returned by the API; `[]` when it validated.
    public var errors: [String]
    public var disposition: Disposition

    /// What App must do before storing.
    public enum Disposition: Sendable, Equatable {
        /// Store `publicData` and seal `secretData`.
        case store
        /// An oauth2-code: never stored. Exchange it at the scheme's `tokenUrl`, then validate the resulting
        /// oauth2-token data with `ValidatedCredential.validate(name:type:.oauth2Token,...)` and store that.
        case needsCodeExchange(code: SecretString, state: String)
    }

    public init(
        name: String, type: CredentialType, publicData: JSONObject, secretData: JSONObject, errors: [String] = [],
        disposition: Disposition = .store
    ) {
        self.name = name
        self.type = type
        self.publicData = publicData
        self.secretData = secretData
        self.errors = errors
        self.disposition = disposition
    }

    public var description: String {
        "ValidatedCredential(name: \(name), type: \(type.rawValue), data: \(String(decoding: JSONValue.object(publicData).serialized(), as: UTF8.self)), secretData: ****)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "type": type, "secretData": "****"], displayStyle: .struct)
    }
}
