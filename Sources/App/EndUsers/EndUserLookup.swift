import HTTPServer
import Postgres

/// How a path names an end user: by the server's id or by the organisation's `externalId`
/// (`identifier_type=internal|external`, default external).
enum EndUserLookup: Sendable, Hashable {
    case `internal`(String)
    case external(String)

    static func from(_ request: Request, parameter: String = "user_id") throws(APIError) -> EndUserLookup {
        try from(request, value: request.parameters[parameter] ?? "")
    }

    /// `value` (from a path or a body) as the request's `identifier_type` says.
    static func from(_ request: Request, value: String) throws(APIError) -> EndUserLookup {
        switch request.queryValue("identifier_type") {
        case nil, "external": return .external(value)
        case "internal": return .internal(value)
        default:
            throw APIError(
                .invalidIdentifierType, "identifier_type must be internal or external",
                fields: [APIError.Field(field: "identifier_type", message: "must be internal or external")])
        }
    }

    /// The condition on the `end_users` row aliased `u`, e.g. `u.external_id = $1`.
    var condition: SQL {
        switch self {
        case .internal(let id): "u.id = \(id)"
        case .external(let id): "u.external_id = \(id)"
        }
    }

    /// An end-user token may name only itself; with an external id that is known before any query.
    func check(_ principal: Principal) throws(APIError) {
        if case .external(let id) = self { try EndUserScope.check(principal, owns: id) }
    }
}

/// The `/hubs/{hub_id}/users/{user_id}` part of a path, checked against the token before any query.
struct EndUserPath: Sendable {
    var hubID: String
    var lookup: EndUserLookup
    var principal: Principal

    init(_ request: Request, principal: Principal) throws(APIError) {
        lookup = try EndUserLookup.from(request)
        try lookup.check(principal)
        hubID = request.parameters["hub_id"] ?? ""
        self.principal = principal
    }

    /// The hub and user of the path, for a statement that reads more beside them (`KeysetPage`'s scope).
    var source: KeysetPage.Scope {
        EndUserResolution.source(organisationID: principal.organisationID, hubID: hubID, endUser: lookup)
    }

    /// The end user and the connection of theirs that `connection` (a condition on `connections c`) picks, in
    /// one round trip; the path's 404/403 rules as `require`.
    func require(with connection: SQL, on database: some StatementRunning) async throws -> (EndUserRecord, StoredConnection?) {
        let (resolution, stored) = try await EndUserResolution.read(
            organisationID: principal.organisationID, hubID: hubID, endUser: lookup, with: connection, on: database)
        return (try resolution.require(principal), stored)
    }

    /// The end user, or 404 (hub, then user) / 403 (another user's token).
    func require(on connection: some StatementRunning) async throws -> EndUserRecord {
        try await EndUserResolution.read(
            organisationID: principal.organisationID, hubID: hubID, endUser: lookup, on: connection
        ).require(principal)
    }
}
