import JSON

extension ValidatedCredential {
    /// Validates a new credential's `data` for `type` (e.g. the oauth2-token produced by a code exchange).
    /// `path` prefixes issue fields, e.g. `connection.credentials.action[0].credential.data`.
    public static func validate(
        name: String, type: CredentialType, data: JSONValue, at path: String = "data",
        keyMaterial: any KeyMaterialChecking
    ) throws(ValidationFailure) -> ValidatedCredential {
        let issues = IssueCollector()
        let validated = CredentialDataValidator(keyMaterial: keyMaterial, issues: issues)
            .validate(name: name, type: type, data: data, at: path)
        try issues.throwIfAny()
        guard let validated else { throw ValidationFailure(issues: [ValidationIssue(field: path, message: "is invalid")]) }
        return validated
    }
}

/// Checks one credential's `data` against `CredentialType.fieldSpecs`, then the cross-field rules.
struct CredentialDataValidator {
    let keyMaterial: any KeyMaterialChecking
    let issues: IssueCollector

    func validate(name: String, type: CredentialType, data: JSONValue?, at path: String) -> ValidatedCredential? {
        guard var reader = ObjectReader(data, at: path, issues: issues) else { return nil }
        let failuresBefore = issues.issues.count
        var publicData = JSONObject()
        var secretData = JSONObject()
        var strings: [String: String] = [:]
        for spec in type.fieldSpecs {
            guard let value = read(spec, from: &reader) else { continue }
            if case .string(let text) = value { strings[spec.name] = text }
            if spec.secret {
                secretData[spec.name] = value
                publicData[spec.name] = ""
            } else {
                publicData[spec.name] = value
            }
        }
        reader.finish()
        guard issues.issues.count == failuresBefore else { return nil }
        checkCrossFieldRules(type: type, strings: strings, at: path)
        guard issues.issues.count == failuresBefore else { return nil }
        if type == .oauth2Token, publicData["tokenType"] == nil { publicData["tokenType"] = "Bearer" }
        var disposition = ValidatedCredential.Disposition.store
        if type == .oauth2Code, let code = strings["code"], let state = strings["state"] {
            disposition = .needsCodeExchange(code: SecretString(code), state: state)
        }
        return ValidatedCredential(
            name: name, type: type, publicData: publicData, secretData: secretData, disposition: disposition)
    }

    private func read(_ spec: CredentialFieldSpec, from reader: inout ObjectReader) -> JSONValue? {
        switch spec.kind {
        case .anyValue:
            return reader.value(spec.name, required: spec.required)
        case .bool:
            return reader.bool(spec.name, required: spec.required).map(JSONValue.bool)
        case .stringArray:
            return reader.stringArray(spec.name, required: spec.required).map { .array($0.map(JSONValue.string)) }
        case .string(let format):
            let allowEmpty = [.textOrEmpty, .httpURLOrEmpty, .ulidOrEmpty].contains(format)
            guard let text = reader.string(
                spec.name, required: spec.required, allowEmpty: allowEmpty, maxLength: spec.maxLength)
            else { return nil }
            if let problem = problem(with: text, format: format) {
                reader.issues.report(reader.pathOf(spec.name), problem)
                return nil
            }
            return .string(text)
        }
    }

    /// Nil when `text` has `format`; else a message that does not quote the value.
    private func problem(with text: String, format: CredentialFieldSpec.StringFormat) -> String? {
        switch format {
        case .text, .textOrEmpty: nil
        case .base64: Formats.base64Decoded(text) == nil ? "must be valid base64" : nil
        case .httpURL: Formats.isAbsoluteHTTPURL(text) ? nil : "must be an absolute http(s) URL"
        case .httpURLOrEmpty:
            text.isEmpty || Formats.isAbsoluteHTTPURL(text) ? nil : "must be an absolute http(s) URL or empty"
        case .rfc3339: Timestamp(rfc3339: text) == nil ? "must be an RFC 3339 date-time" : nil
        case .ulidOrEmpty: text.isEmpty || ULID(text) != nil ? nil : "must be a ULID"
        case .jwtAlgorithm:
            JWTAlgorithm(rawValue: text) == nil
                ? "must be one of: " + JWTAlgorithm.allCases.map(\.rawValue).joined(separator: ", ") : nil
        case .goDuration:
            (Formats.goDurationNanoseconds(text) ?? 0) > 0 ? nil : "must be a positive duration such as 1h30m"
        case .jsonObjectText:
            (try? JSONValue.parse(Array(text.utf8)))?.objectValue == nil ? "must be a JSON object encoded as a string" : nil
        case .pemCertificates: PEM.certificateProblem(text)
        case .pemPrivateKey: PEM.privateKeyProblem(text)
        }
    }

    private func checkCrossFieldRules(type: CredentialType, strings: [String: String], at path: String) {
        switch type {
        case .certificate:
            guard let certificate = strings["certificate"], let key = strings["key"], let ca = strings["ca"] else { return }
            if let problem = keyMaterial.certificateProblem(certificatePEM: certificate, privateKeyPEM: key, caPEM: ca) {
                issues.report(FieldPath.member(path, "key"), problem)
            }
        case .jwtBearer:
            guard let algorithm = strings["algorithm"].flatMap(JWTAlgorithm.init(rawValue:)), algorithm.isRSA,
                let secret = strings["secret"].flatMap(Formats.base64Decoded)
            else { return }
            if let problem = keyMaterial.rsaPrivateKeyProblem(secret) {
                issues.report(FieldPath.member(path, "secret"), problem)
            }
        default: return
        }
    }
}
