import JSON

/// A validated `ConnectionCreate`, in the App's own terms: what the Domain decoder found valid, before ids,
/// sealing and the database checks. `DomainAdapter` builds it.
struct ConnectionDraft: Sendable {
    var name: String
    /// `[{"name","value"}]`, `[]` when omitted.
    var variables: JSONValue
    var bindings: [BindingDraft]
}

struct BindingDraft: Sendable {
    var usage: BindingUsage
    var position: Int
    /// Where this entry sits in the request, e.g. `connection.credentials.action[0]`.
    var fieldPath: String
    var authSchemeConfig: JSONObject
    var validationMessages: JSONValue
    /// Credential types this scheme accepts (checked here only for referenced credentials: new ones were
    /// checked by the decoder), and the scheme as an error message names it.
    var acceptedCredentialTypes: [String]
    var schemeLabel: String
    var credential: CredentialDraft
}

enum CredentialDraft: Sendable {
    case new(NewCredentialDraft)
    /// `{"id": …}`: an existing credential of the organisation.
    case existing(id: String)
    /// `oauth2-code`: exchanged at the scheme's token endpoint, then stored as `oauth2-token`.
    case oauthCode(name: String, exchange: OAuthCodeExchangeRequest)
}

/// A new credential's validated data, split: `publicData` has every secret field as `""`, `secretData` holds
/// only the secret fields. Prints as `****`.
struct NewCredentialDraft: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    var name: String
    var type: String
    var publicData: JSONObject
    var secretData: JSONObject
    var errors: [String]

    var description: String { "****" }
    var debugDescription: String { "****" }
}

extension ConnectionDraft {
    /// Ids of referenced credentials, each once.
    var referencedCredentialIDs: [String] {
        var seen = Set<String>()
        return bindings.compactMap { binding in
            guard case .existing(let id) = binding.credential, seen.insert(id).inserted else { return nil }
            return id
        }
    }
}
