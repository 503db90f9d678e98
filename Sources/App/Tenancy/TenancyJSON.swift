import JSON

// The response shapes, named after the reference schemas they follow.

extension SigningKeyRecord {
    /// `PublicKey`.
    var json: JSONValue {
        ["id": .string(id), "name": .string(name), "publicKey": .string(publicKeyPEM), "createdAt": .string(createdAt)]
    }
}

extension ConnectorRecord {
    /// `HTTPConnector`. This server has no connector versions, public library or tags, so those are empty.
    var json: JSONValue {
        [
            "id": .string(id), "organisationId": .string(organisationID), "name": .string(name), "public": false,
            "protocol": "http", "baseUrl": .string(baseURL), "authSchemeConfigs": .array(authSchemeConfigs),
            "connectionVariables": .array(connectionVariables), "tags": .object(JSONObject()), "connections": [],
            "versions": [], "createdAt": .string(createdAt), "updatedAt": .string(updatedAt),
        ]
    }
}

extension HubRecord {
    /// `Hub`, with `organisationId`, `createdAt` and `updatedAt` beyond the reference. `imageUrl` is "" because
    /// this server keeps no connector images.
    var json: JSONValue {
        [
            "id": .string(id), "organisationId": .string(organisationID), "name": .string(name),
            "primaryConnector": [
                "connectorId": .string(primaryConnectorID), "name": .string(connectorName),
                "authSchemeConfig": authSchemeConfig, "imageUrl": "", "variables": .array(connectorVariables),
            ],
            "isDefault": .bool(isDefault), "createdAt": .string(createdAt), "updatedAt": .string(updatedAt),
        ]
    }
}
