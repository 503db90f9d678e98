import JSON

/// Decodes `credentials: {action: [...], trigger: [...]}` and applies the binding rules: at least one
/// credential overall, scheme ids unique per list, credential type compatible with the scheme, an oauth2-code
/// only with a client to exchange it.
struct ConnectionCredentialDecoder {
    let issues: IssueCollector
    let keyMaterial: any KeyMaterialChecking

    func decodeCredentials(_ value: JSONValue?, at path: String)
        -> (action: [ConnectionCredentialInput], trigger: [ConnectionCredentialInput])?
    {
        guard var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
        defer { reader.finish() }
        let failuresBefore = issues.issues.count
        let action = decodeList(&reader, key: "action")
        let trigger = decodeList(&reader, key: "trigger")
        let total = (reader.object["action"]?.arrayValue?.count ?? 0) + (reader.object["trigger"]?.arrayValue?.count ?? 0)
        if total == 0, issues.issues.count == failuresBefore {
            issues.report(path, "must contain at least one credential in action or trigger")
        }
        guard issues.issues.count == failuresBefore else { return nil }
        return (action, trigger)
    }

    private func decodeList(_ reader: inout ObjectReader, key: String) -> [ConnectionCredentialInput] {
        let elements = reader.array(key, required: false, maxCount: ValidationLimits.maxCredentialsPerList) ?? []
        var entries: [ConnectionCredentialInput] = []
        var schemeIds = Set<String>()
        for element in elements {
            guard let entry = decodeEntry(element.value, at: element.path) else { continue }
            if !schemeIds.insert(entry.authSchemeConfig.id).inserted {
                issues.report(FieldPath.member(element.path, "authSchemeConfig.id"), "duplicates another entry's id in \(key)")
            }
            entries.append(entry)
        }
        return entries
    }

    private func decodeEntry(_ value: JSONValue, at path: String) -> ConnectionCredentialInput? {
        guard var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
        defer { reader.finish() }
        let scheme = AuthSchemeConfig.decode(
            reader.value("authSchemeConfig", required: false), at: reader.pathOf("authSchemeConfig"), issues: issues)
        let credential = decodeCredential(
            reader.value("credential", required: false), at: reader.pathOf("credential"), scheme: scheme)
        guard let scheme, let credential else { return nil }
        if case .new(let validated) = credential, case .needsCodeExchange = validated.disposition,
           case .authorizationCode(let client)? = scheme.oauth2?.grant, !client.canExchangeCode {
            issues.report(
                FieldPath.member(path, "authSchemeConfig.grant.clientId"), AuthSchemeConfig.OAuth2.GrantClient.missingClient)
        }
        return ConnectionCredentialInput(authSchemeConfig: scheme, credential: credential, field: path)
    }

    /// `{"id"}` is a reference; anything else is a new credential `{"name","type","data"}`.
    private func decodeCredential(_ value: JSONValue?, at path: String, scheme: AuthSchemeConfig?) -> CredentialInput? {
        guard var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
        defer { reader.finish() }
        if reader.object["id"] != nil {
            return reader.ulid("id").map(CredentialInput.reference)
        }
        let name = reader.string("name")
        guard let type = reader.enumeration("type", as: CredentialType.self) else {
            _ = reader.value("data", required: false)
            return nil
        }
        if let issue = scheme?.compatibilityIssue(for: type, at: reader.pathOf("type")) {
            issues.report(issue.field, issue.message)
        }
        let validator = CredentialDataValidator(keyMaterial: keyMaterial, issues: issues)
        let validated = validator.validate(name: name ?? "", type: type, data: reader.value("data", required: false),
            at: reader.pathOf("data"))
        guard name != nil, let validated else { return nil }
        return .new(validated)
    }
}
