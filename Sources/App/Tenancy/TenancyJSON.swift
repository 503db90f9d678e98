import JSON

// The response shapes, named after the reference schemas they follow.

extension SigningKeyRecord {
    /// `PublicKey`.
    var json: JSONValue {
        ["id": .string(id), "name": .string(name), "publicKey": .string(publicKeyPEM), "createdAt": .string(createdAt)]
    }
}

extension ConnectorRecord {
    /// `HTTPConnector`, with `imageUrl` beyond the reference (the placeholder when none was given). This server
    /// has no connector versions, public library or tags, so those are empty.
    func json(images: PlaceholderImage) -> JSONValue {
        [
            "id": .string(id), "organisationId": .string(organisationID), "name": .string(name), "public": false,
            "protocol": "http", "baseUrl": .string(baseURL), "authSchemeConfigs": .array(authSchemeConfigs),
            "connectionVariables": .array(connectionVariables), "imageUrl": .string(images.imageURL(imageURL)),
            "tags": .object(JSONObject()), "connections": [],
            "versions": [], "createdAt": .string(createdAt), "updatedAt": .string(updatedAt),
        ]
    }
}

extension HubRecord {
    /// `Hub`, with `organisationId`, `createdAt` and `updatedAt` beyond the reference. `imageUrl` is the
    /// connector's, or the placeholder when it has none.
    func json(images: PlaceholderImage) -> JSONValue {
        [
            "id": .string(id), "organisationId": .string(organisationID), "name": .string(name),
            "primaryConnector": [
                "connectorId": .string(primaryConnectorID), "name": .string(connectorName),
                "authSchemeConfig": authSchemeConfig, "imageUrl": .string(images.imageURL(connectorImageURL)),
                "variables": .array(connectorVariables),
            ],
            "isDefault": .bool(isDefault), "createdAt": .string(createdAt), "updatedAt": .string(updatedAt),
        ]
    }
}
