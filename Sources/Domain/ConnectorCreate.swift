import JSON

/// Body of the Connect API `POST /o/{organisation_id}/protocols/http/connectors` (`HTTPConnectorCreate`).
public struct ConnectorCreate: Sendable, Equatable {
    public var name: String
    public var baseUrl: String
    public var authSchemeConfigs: [AuthSchemeConfig]
    public var connectionVariables: [ConnectionVariable]
    public var tags: [String: [String]]
    /// The reference's `public` flag.
    public var isPublic: Bool
    /// The connector's icon (beyond the reference), an absolute URI; nil answers the server's placeholder.
    public var imageUrl: String?

    public init(
        name: String, baseUrl: String, authSchemeConfigs: [AuthSchemeConfig], connectionVariables: [ConnectionVariable],
        tags: [String: [String]] = [:], isPublic: Bool = false, imageUrl: String? = nil
    ) {
        self.name = name
        self.baseUrl = baseUrl
        self.authSchemeConfigs = authSchemeConfigs
        self.connectionVariables = connectionVariables
        self.tags = tags
        self.isPublic = isPublic
        self.imageUrl = imageUrl
    }

    public static func decode(_ body: JSONValue) throws(ValidationFailure) -> Self {
        try decodeBody(body) { reader in
            let name = reader.string("name")
            let baseUrl = reader.string("baseUrl")
            if let baseUrl, !Formats.isAbsoluteHTTPURL(baseUrl) {
                reader.issues.report(reader.pathOf("baseUrl"), "must be an absolute http(s) URL")
            }
            let configs = decodeConfigs(&reader)
            let variables = ConnectionVariable.decodeList(&reader, key: "connectionVariables", required: false)
            let tags = decodeTags(&reader)
            let isPublic = reader.bool("public") ?? false
            let imageUrl = reader.absoluteURI("imageUrl")
            guard let name, let baseUrl, let configs, let variables, let tags else { return nil }
            return Self(name: name, baseUrl: baseUrl, authSchemeConfigs: configs, connectionVariables: variables,
                tags: tags, isPublic: isPublic, imageUrl: imageUrl)
        }
    }

    private static func decodeConfigs(_ reader: inout ObjectReader) -> [AuthSchemeConfig]? {
        guard let elements = reader.array("authSchemeConfigs", maxCount: ValidationLimits.maxCredentialsPerList) else {
            return nil
        }
        var configs: [AuthSchemeConfig] = []
        var ids = Set<String>()
        for element in elements {
            guard let config = AuthSchemeConfig.decode(element.value, at: element.path, issues: reader.issues) else {
                continue
            }
            if !ids.insert(config.id).inserted {
                reader.issues.report(FieldPath.member(element.path, "id"), "duplicates another authSchemeConfig's id")
            }
            configs.append(config)
        }
        return configs
    }

    /// `Tags`: an object of string arrays.
    private static func decodeTags(_ reader: inout ObjectReader) -> [String: [String]]? {
        guard let value = reader.value("tags", required: false) else { return [:] }
        guard var tagsReader = ObjectReader(value, at: reader.pathOf("tags"), issues: reader.issues) else { return nil }
        var tags: [String: [String]] = [:]
        // Member by member: the keys are the caller's, and reading each by name scanned the object once per key.
        for member in tagsReader.eachMember() {
            tags[member.key] = tagsReader.strings(in: member.value, at: member.path)
        }
        tagsReader.finish()
        return tags.count == tagsReader.object.count ? tags : nil
    }
}
