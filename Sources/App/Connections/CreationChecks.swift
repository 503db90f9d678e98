import Domain
import Postgres

/// The rules a create checks against what the database found, in the order a client can act on them: hub, end
/// user (and the token's right to it), connector, referenced credentials, their types (Domain's compatibility
/// rule), the name. Every rule that needs no database is Domain's and ran while the body was decoded.
enum CreationChecks {
    struct Result: Sendable {
        /// nil for CreateEndUser: the user is new.
        var endUser: EndUserRecord?
        var connectorID: String
        var referenced: [String: StoredCredentialSummary]
    }

    static func run(
        _ connection: ConnectionCreate, targets: CreationTargets, target: ConnectionCreation.Target,
        principal: Principal
    ) throws -> Result {
        guard targets.hubID != nil else { throw APIError.notFound(.hubNotFound, "hub") }
        let endUser = try checkEndUser(targets, target: target, principal: principal)
        guard let connectorID = targets.connectorID else { throw APIError.notFound(.connectorNotFound, "connector") }
        try checkReferences(connection, found: targets.referencedCredentials)
        if targets.nameTaken && target.newEndUser == nil { throw APIError.duplicateConnectionName }
        return Result(endUser: endUser, connectorID: connectorID, referenced: targets.referencedCredentials)
    }

    /// What must hold before an `Idempotency-Key`'s stored answer (or its 409005) is given: for an end-user
    /// token, the hub and the path's user, which must be its own (an internal id is only known to be someone
    /// else's once read). An organisation's key may replay whatever it stored.
    static func authorizeReplay(
        _ targets: CreationTargets, target: ConnectionCreation.Target, principal: Principal
    ) throws(APIError) {
        guard EndUserScope.isEndUser(principal) else { return }
        guard targets.hubID != nil else { throw APIError.notFound(.hubNotFound, "hub") }
        _ = try checkEndUser(targets, target: target, principal: principal)
    }

    /// For a new user, a found row is a duplicate (and there is no user yet: nil); otherwise the user must
    /// exist and be the token's own.
    private static func checkEndUser(
        _ targets: CreationTargets, target: ConnectionCreation.Target, principal: Principal
    ) throws(APIError) -> EndUserRecord? {
        if target.newEndUser != nil {
            guard targets.endUser == nil else { throw .duplicateExternalID }
            return nil
        }
        let resolution = EndUserResolution(
            hubFound: true, primaryConnectorID: targets.primaryConnectorID, endUser: targets.endUser,
            lookup: target.endUser)
        return try resolution.require(principal)
    }

    /// Every referenced credential must be the organisation's (404004 naming each missing one) and of a type
    /// its scheme accepts (400002, Domain's message).
    private static func checkReferences(
        _ connection: ConnectionCreate, found: [String: StoredCredentialSummary]
    ) throws {
        var missing: [APIError.Field] = []
        var mismatched: [APIError.Field] = []
        var unknownType = false
        connection.forEachEntry { entry in
            guard case .reference(let id) = entry.credential else { return }
            guard let credential = found[id.string] else {
                missing.append(APIError.Field(
                    field: entry.credentialField + ".id", message: "no credential with this id in the organisation"))
                return
            }
            guard let type = CredentialType(rawValue: credential.type) else {
                unknownType = true
                return
            }
            if let issue = entry.referencedTypeIssue(type) {
                mismatched.append(APIError.Field(field: issue.field, message: issue.message))
            }
        }
        if !missing.isEmpty { throw APIError(.credentialNotFound, "credential not found", fields: missing) }
        // Only this server writes credentials, each of a type Domain knows.
        if unknownType { throw InvariantViolation("a referenced credential has a type the App does not write") }
        if !mismatched.isEmpty { throw APIError.validation(mismatched) }
    }
}
