import Domain
import JSON

/// The `EndUser` and `EndUserSummary` bodies.
enum EndUserJSON {
    static func summary(_ user: EndUserRecord) -> JSONObject {
        JSONObject([
            ("id", .string(user.id)),
            ("externalId", .string(user.externalID)),
            ("displayName", .string(user.displayName)),
            ("hubId", .string(user.hubID)),
            ("createdAt", .string(user.createdAt.rfc3339)),
            ("updatedAt", .string(user.updatedAt.rfc3339)),
        ])
    }

    /// With `primaryConnection` after `hubId`: every end user has one (`PrimaryConnectionGuard`).
    static func endUser(_ user: EndUserRecord, primaryConnection: StoredConnection, organisationID: String) -> JSONValue {
        var object = summary(user)
        object.insert("primaryConnection", ConnectionJSON.connection(primaryConnection, organisationID: organisationID), at: 4)
        return .object(object)
    }
}
