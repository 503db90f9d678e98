import JSON

// The response shapes, named after the reference schemas they follow.

extension IntegrationRecord {
    /// `Integration`, with `organisationId`, `hubId`, `summary`, `isDeployed`, `createdAt` and `updatedAt` beyond
    /// the reference. `imageUrl` is the placeholder when none was given; `screenshotUrl` and `variablesSchema`
    /// appear only when set.
    func json(images: PlaceholderImage) -> JSONValue {
        var object = JSONObject([
            ("id", .string(id)), ("organisationId", .string(organisationID)), ("hubId", .string(hubID)),
            ("boardId", .string(boardID)), ("name", .string(name)), ("description", .string(description)),
            ("summary", .string(summary)), ("imageUrl", .string(images.imageURL(imageURL))),
        ])
        if let screenshotURL { object["screenshotUrl"] = .string(screenshotURL) }
        if let variablesSchema { object["variablesSchema"] = variablesSchema }
        object["isDeployed"] = .bool(isDeployed)
        object["createdAt"] = .string(createdAt)
        object["updatedAt"] = .string(updatedAt)
        return .object(object)
    }
}

extension ConnectionTemplateRecord {
    /// `HubConnectionTemplate`: `name` and `imageUrl` are the connector's, `variables` its connection variables
    /// (as in `HubConnector`); `integrationId` and `createdAt` are beyond the reference.
    func json(images: PlaceholderImage) -> JSONValue {
        [
            "id": .string(id), "integrationId": .string(integrationID), "connectorId": .string(connectorID),
            "name": .string(connectorName), "imageUrl": .string(images.imageURL(connectorImageURL)),
            "variables": .array(connectorVariables), "authSchemeConfig": authSchemeConfig, "isUsed": .bool(isUsed),
            "isPrimary": .bool(isPrimary), "createdAt": .string(createdAt),
        ]
    }
}
