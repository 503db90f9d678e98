import JSON

/// A stored auth scheme config as answers carry it: always with `validationMessages`, so that every answer that
/// holds a config (a hub's, a connector's, a connection binding's) has the same shape. A config is stored only
/// once it validated, so the server has no message to add: `[]`.
enum AuthSchemeConfigAnswer {
    static func json(_ stored: JSONValue) -> JSONValue {
        guard case .object(var object) = stored, object["validationMessages"] == nil else { return stored }
        object["validationMessages"] = []
        return .object(object)
    }
}
