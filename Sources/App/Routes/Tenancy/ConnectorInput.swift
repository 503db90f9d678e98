import JSON

/// Decoding of `HTTPConnectorCreate` and of single AuthSchemeConfigs, every problem with its field path.
enum ConnectorInput {
    static let createFields: Set<String> = [
        "name", "baseUrl", "authSchemeConfigs", "connectionVariables", "tags", "public", "connections",
    ]

    static func draft(from body: JSONObject) throws(APIError) -> ConnectorDraft {
        var v = BodyValidator()
        v.rejectUnknown(body, allowed: createFields, at: "")
        let name = v.string(body, "name", at: "", maxLength: 200)
        let baseURL = v.httpURL(body, "baseUrl", at: "")
        let configs = authSchemeConfigs(body["authSchemeConfigs"], at: "authSchemeConfigs", into: &v)
        let variables = connectionVariables(body["connectionVariables"], at: "connectionVariables", into: &v)
        // Accepted for clients of the reference, as far as this server can honour them.
        if v.bool(body, "public", at: "") == true { v.fail("public", "public connectors are not supported") }
        if let tags = body["tags"], tags != .object(JSONObject()) { v.fail("tags", "tags are not supported; send {} or omit") }
        if let connections = body["connections"], connections != [] { v.fail("connections", "must be empty or omitted") }
        try v.check()
        return ConnectorDraft(
            name: name ?? "", baseURL: baseURL ?? "", authSchemeConfigs: configs, connectionVariables: variables)
    }

    /// One config, as for UpsertAuthSchemeConfig: its `id` must be the path's (filled in when omitted).
    static func authSchemeConfig(from body: JSONObject, pathID: String) throws(APIError) -> JSONValue {
        var object = body
        var v = BodyValidator()
        switch object["id"] {
        case nil: object["id"] = .string(pathID)
        case .string(pathID)?: break
        default: v.fail("id", "must equal the auth_scheme_config_id in the path")
        }
        let config = AuthSchemeConfigShim.validate(.object(object), at: "", into: &v)
        try v.check()
        return config ?? .null
    }

    static func authSchemeConfigs(_ value: JSONValue?, at path: String, into v: inout BodyValidator) -> [JSONValue] {
        guard let items = v.array(value, at: path) else { return [] }
        var configs: [JSONValue] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let itemPath = BodyValidator.path(path, index: index)
            guard let config = AuthSchemeConfigShim.validate(item, at: itemPath, into: &v) else { continue }
            if case .object(let object) = config, case .string(let id)? = object["id"], !seen.insert(id).inserted {
                v.fail(BodyValidator.path(itemPath, "id"), "is used by another config in this list")
            }
            configs.append(config)
        }
        return configs
    }

    /// `[{"name", "value"}]`, names non-empty and unique; omitted means [].
    static func connectionVariables(_ value: JSONValue?, at path: String, into v: inout BodyValidator) -> [JSONValue] {
        guard let items = v.array(value, at: path, required: false) else { return [] }
        var seen: Set<String> = []
        var variables: [JSONValue] = []
        for (index, item) in items.enumerated() {
            let itemPath = BodyValidator.path(path, index: index)
            guard let object = v.object(item, at: itemPath) else { continue }
            v.rejectUnknown(object, allowed: ["name", "value"], at: itemPath)
            let name = v.string(object, "name", at: itemPath, maxLength: 200)
            let value = v.string(object, "value", at: itemPath, allowEmpty: true, maxLength: 4096)
            if let name, !seen.insert(name).inserted {
                v.fail(BodyValidator.path(itemPath, "name"), "is used by another variable in this list")
            }
            if let name, let value { variables.append(["name": .string(name), "value": .string(value)]) }
        }
        return variables
    }
}
