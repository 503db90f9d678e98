import JSON

// TEMPORARY: replaced by Domain's AuthSchemeConfig decoder after the merge.

/// Checks one AuthSchemeConfig (discriminated by `schemeType`) and returns it as stored: as sent, without
/// `validationMessages` (accepted and ignored on input).
enum AuthSchemeConfigShim {
    static let schemeTypes = ["none", "api-key", "basic-auth", "oauth2", "hmac", "certificate", "jwt-bearer", "custom-function"]
    private static let base: Set<String> = ["id", "description", "schemeType", "validationMessages"]

    static func validate(_ value: JSONValue?, at path: String, into v: inout BodyValidator) -> JSONValue? {
        guard let object = v.object(value, at: path) else { return nil }
        let before = v.problems.count
        _ = v.string(object, "id", at: path, maxLength: 128)
        _ = v.string(object, "description", at: path, allowEmpty: true)
        guard let scheme = v.oneOf(object, "schemeType", schemeTypes, at: path) else { return nil }
        switch scheme {
        case "api-key":
            _ = v.string(object, "name", at: path)
            _ = v.oneOf(object, "in", ["query", "header", "cookie"], at: path)
            v.rejectUnknown(object, allowed: base.union(["name", "in"]), at: path)
        case "hmac":
            _ = v.string(object, "name", at: path)
            _ = v.oneOf(object, "in", ["query", "header", "cookie"], at: path)
            _ = v.oneOf(object, "algorithm", ["sha1", "sha256", "sha512"], at: path)
            let inputsPath = BodyValidator.path(path, "digestInputs")
            for (index, item) in (v.array(object["digestInputs"], at: inputsPath) ?? []).enumerated()
            where item != "body" && item != "url" {
                v.fail(BodyValidator.path(inputsPath, index: index), "must be body or url")
            }
            v.rejectUnknown(object, allowed: base.union(["name", "in", "algorithm", "digestInputs"]), at: path)
        case "oauth2":
            validateOAuth2(object, at: path, into: &v)
        default:
            v.rejectUnknown(object, allowed: base, at: path)
        }
        guard v.problems.count == before else { return nil }
        var stored = object
        stored["validationMessages"] = nil
        return .object(stored)
    }

    private static func validateOAuth2(_ object: JSONObject, at path: String, into v: inout BodyValidator) {
        _ = v.string(object, "authorizeUrl", at: path, allowEmpty: true, maxLength: 2048)
        _ = v.httpURL(object, "tokenUrl", at: path)
        let scopesPath = BodyValidator.path(path, "scopes")
        for (index, item) in (v.array(object["scopes"], at: scopesPath) ?? []).enumerated() {
            let itemPath = BodyValidator.path(scopesPath, index: index)
            guard let scope = v.object(item, at: itemPath) else { continue }
            _ = v.string(scope, "name", at: itemPath)
            _ = v.string(scope, "description", at: itemPath, required: false, allowEmpty: true)
            v.rejectUnknown(scope, allowed: ["name", "description"], at: itemPath)
        }
        let defaultsPath = BodyValidator.path(path, "defaultScopes")
        for (index, item) in (v.array(object["defaultScopes"], at: defaultsPath) ?? []).enumerated() {
            if case .string = item { continue }
            v.fail(BodyValidator.path(defaultsPath, index: index), "must be a string")
        }
        for key in ["additionalAuthorizeParams", "additionalTokenParams", "mtlsCredentialId"] {
            _ = v.string(object, key, at: path, required: false, allowEmpty: true, maxLength: 4096)
        }
        _ = v.bool(object, "mtlsEnabled", at: path)
        let grantPath = BodyValidator.path(path, "grant")
        if let grant = v.object(object["grant"], at: grantPath) {
            let grantType = v.oneOf(grant, "grantType", ["authorization_code", "client_credentials", "password"], at: grantPath)
            var allowed: Set<String> = ["grantType"]
            if grantType != "client_credentials" {
                allowed.formUnion(["credentialId", "organisationId", "clientId"])
                for key in ["credentialId", "organisationId", "clientId"] {
                    _ = v.string(grant, key, at: grantPath, required: false, allowEmpty: true)
                }
                if grant["clientSecret"] != nil {
                    v.fail(BodyValidator.path(grantPath, "clientSecret"),
                           "client secrets are not stored in configuration; send them as an oauth2-client credential")
                }
            }
            var rest = grant
            rest["clientSecret"] = nil  // already reported above
            v.rejectUnknown(rest, allowed: allowed, at: grantPath)
        }
        v.rejectUnknown(object, allowed: base.union([
            "authorizeUrl", "tokenUrl", "scopes", "defaultScopes", "additionalAuthorizeParams",
            "additionalTokenParams", "mtlsEnabled", "mtlsCredentialId", "grant",
        ]), at: path)
    }
}
