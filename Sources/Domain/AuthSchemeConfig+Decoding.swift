import JSON

extension AuthSchemeConfig {
    /// Decodes one config (e.g. one stored earlier); throws every issue found.
    public static func decode(_ value: JSONValue, at path: String = "") throws(ValidationFailure) -> AuthSchemeConfig {
        let issues = IssueCollector()
        let config = decode(value, at: path, issues: issues)
        try issues.throwIfAny()
        guard let config else { throw ValidationFailure(issues: [ValidationIssue(field: path, message: "is invalid")]) }
        return config
    }

    /// `validationMessages` is accepted and ignored: the server computes its own.
    static func decode(_ value: JSONValue?, at path: String, issues: IssueCollector) -> AuthSchemeConfig? {
        guard var reader = ObjectReader(value, at: path, issues: issues, ignoring: ["validationMessages"]) else {
            return nil
        }
        defer { reader.finish() }
        let id = reader.string("id")
        let description = reader.string("description", allowEmpty: true)
        guard let schemeType = reader.enumeration("schemeType", as: SchemeType.self) else { return nil }
        let scheme: Scheme?
        switch schemeType {
        case .none: scheme = Scheme.none
        case .basicAuth: scheme = .basicAuth
        case .certificate: scheme = .certificate
        case .jwtBearer: scheme = .jwtBearer
        case .customFunction: scheme = .customFunction
        case .apiKey:
            let name = reader.string("name")
            let location = reader.enumeration("in", as: Location.self)
            scheme = name.flatMap { name in location.map { .apiKey(APIKey(name: name, location: $0)) } }
        case .hmac: scheme = decodeHMAC(&reader).map(Scheme.hmac)
        case .oauth2: scheme = decodeOAuth2(&reader).map(Scheme.oauth2)
        }
        guard let id, let description, let scheme else { return nil }
        return AuthSchemeConfig(id: id, description: description, scheme: scheme)
    }

    private static func decodeHMAC(_ reader: inout ObjectReader) -> HMAC? {
        let name = reader.string("name")
        let location = reader.enumeration("in", as: Location.self)
        let algorithm = reader.enumeration("algorithm", as: HMAC.Algorithm.self)
        var inputs: [HMAC.DigestInput]? = []
        for element in reader.array("digestInputs", maxCount: 2) ?? [] {
            guard let text = element.value.stringValue, let input = HMAC.DigestInput(rawValue: text) else {
                reader.issues.report(element.path, "must be one of: body, url")
                inputs = nil
                continue
            }
            if inputs?.contains(input) == true { reader.issues.report(element.path, "is repeated") }
            inputs?.append(input)
        }
        if reader.object["digestInputs"] == nil { inputs = nil }
        guard let name, let location, let algorithm, let inputs else { return nil }
        return HMAC(name: name, location: location, algorithm: algorithm, digestInputs: inputs)
    }
}
