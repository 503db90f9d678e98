import Cryptography
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres

/// Creates a connection (CreateEndUserConnection) or an end user with its primary connection (CreateEndUser)
/// from Domain's decoded `ConnectionCreate`, whose rules (types against schemes, credential data, duplicate ids
/// and names, an oauth2-code's client) were all applied while decoding, before any statement. What needs the
/// database is decided by one read (`CreationTargets`, checked by `CreationChecks`) before one atomic write
/// (`ConnectionInsert`), with the oauth2-code exchange and the sealing between them and no transaction open; or,
/// when nothing must be read first, by the write itself (`createInOneStatement`).
struct ConnectionCreation: Sendable {
    let context: AppContext
    let vault: CredentialVault
    let exchanger: any OAuthCodeExchanging

    init(context: AppContext, exchanger: (any OAuthCodeExchanging)? = nil) {
        self.context = context
        vault = CredentialVault(keyRing: context.keyRing)
        self.exchanger = exchanger ?? context.oauthCodeExchanger
    }

    struct Target: Sendable {
        var organisationID: String
        var hubID: String
        var endUser: EndUserLookup
        /// nil: the hub's primary connector.
        var connectorID: ULID?
        /// Set for CreateEndUser: the user is made in the same statement (its `endUser` lookup is by this
        /// external id, to find duplicates).
        var newEndUser: (externalID: String, displayName: String)?
    }

    typealias Respond = @Sendable (StoredConnection, EndUserRecord) -> Response

    func create(
        _ connection: ConnectionCreate, target: Target, principal: Principal, idempotency: IdempotencyKey?,
        respond: Respond
    ) async throws -> Response {
        if idempotency == nil,
           let response = try await createInOneStatement(
               connection, target: target, principal: principal, respond: respond) {
            return response
        }
        let targets = try await readTargets(connection, target: target, principal: principal, idempotency: idempotency)
        guard let idempotency else {
            return try await write(connection, targets: targets, target: target, principal: principal, record: nil, respond: respond)
        }
        guard targets.claimed else {
            // The key has a row: an answer to replay, or a twin still running (perhaps claimed just now). Both
            // are told only to a caller allowed on the path's user.
            try CreationChecks.authorizeReplay(targets, target: target, principal: principal)
            guard let stored = targets.storedAnswer else { throw IdempotencyKey.inProgress }
            return try idempotency.replay(stored)
        }
        do {
            return try await write(
                connection, targets: targets, target: target, principal: principal, record: idempotency, respond: respond)
        } catch {
            try? await IdempotencyStore.release(idempotency, organisationID: target.organisationID, context.database)
            throw error
        }
    }

    /// Runs a body decoder (Domain's, through `APIError.decoding`, so every rule that needs no database); when it
    /// refuses the body of a request with an `Idempotency-Key` already in use, the key's verdict comes first
    /// (409002 for another body, 409005 while its twin runs), as documented. An end-user token hears it only once
    /// `path`'s user is found to be its own (404/403 otherwise), so it cannot learn which keys another user's
    /// requests used.
    func decodeBody<T>(
        idempotency: IdempotencyKey?, organisationID: String, path: EndUserPath? = nil, _ decode: () async throws -> T
    ) async throws -> T {
        do {
            return try await decode()
        } catch let error as APIError {
            guard let idempotency else { throw error }
            if let path, EndUserScope.isEndUser(path.principal) {
                _ = try await context.database.withConnection { try await path.require(on: $0) }
            }
            guard let live = try await IdempotencyStore.live(idempotency, organisationID: organisationID, context.database)
            else { throw error }
            if !Digest.constantTimeEqual(live.requestHash, idempotency.requestHash) { throw IdempotencyKey.reused }
            if live.isInProgress { throw IdempotencyKey.inProgress }
            throw error
        }
    }

    /// The one read before the write (claiming the key, if any). An expired row under the key is deleted and
    /// the read repeated once.
    private func readTargets(
        _ connection: ConnectionCreate, target: Target, principal: Principal, idempotency: IdempotencyKey?
    ) async throws -> CreationTargets {
        let query = Self.targetsQuery(connection, target: target, principal: principal, idempotency: idempotency)
        let targets = try await context.database.withConnection { try await CreationTargets.read(query, on: $0) }
        guard let idempotency, !targets.claimed, targets.storedAnswer?.isExpired == true else { return targets }
        try await IdempotencyStore.forgetExpired(idempotency, organisationID: target.organisationID, context.database)
        return try await context.database.withConnection { try await CreationTargets.read(query, on: $0) }
    }

    /// What both create paths look up: the path's hub and user, the connector, the name, the referenced
    /// credentials and the key's claim.
    private static func targetsQuery(
        _ connection: ConnectionCreate, target: Target, principal: Principal, idempotency: IdempotencyKey?
    ) -> CreationTargets.Query {
        CreationTargets.Query(
            organisationID: target.organisationID, hubID: target.hubID, endUser: target.endUser,
            connectorID: target.connectorID?.string, connectionName: connection.name,
            referencedCredentialIDs: referencedCredentialIDs(connection),
            referencesOnlyOwnCredentials: EndUserScope.isEndUser(principal), idempotency: idempotency)
    }

    /// Ids of the referenced credentials, each once.
    private static func referencedCredentialIDs(_ connection: ConnectionCreate) -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        connection.forEachEntry { entry in
            if case .reference(let id) = entry.credential, seen.insert(id.string).inserted { ids.append(id.string) }
        }
        return ids
    }

    /// The connection as stored and answered: a new id, the request's name and variables, the made bindings.
    private static func storedConnection(
        _ connection: ConnectionCreate, bindings: [StoredBinding], at now: Timestamp
    ) -> StoredConnection {
        StoredConnection(
            id: ULID.generate().string, name: connection.name, variables: .array(connection.variables.map(\.jsonValue)),
            createdAt: now, updatedAt: now, bindings: bindings)
    }

    /// Checks what the read found, exchanges, seals, then writes everything in one statement.
    private func write(
        _ connection: ConnectionCreate, targets: CreationTargets, target: Target, principal: Principal,
        record idempotency: IdempotencyKey?, respond: Respond
    ) async throws -> Response {
        let prepared = try await prepare(connection, targets: targets, target: target, principal: principal)
        let response = respond(prepared.new.connection, prepared.owner)
        let record = idempotency?.record(for: response)
        try await insert(
            prepared.new, owner: .known(endUserID: prepared.owner.id, connectorID: prepared.connectorID),
            endUser: prepared.newEndUser, idempotency: record)
        return response
    }

    /// A connection ready to write: what the read found checked (`CreationChecks`), codes exchanged, secrets
    /// sealed, ids made.
    struct Prepared: Sendable {
        var new: NewConnection
        var owner: EndUserRecord
        var newEndUser: NewEndUser?
        var connectorID: String
    }

    func prepare(
        _ connection: ConnectionCreate, targets: CreationTargets, target: Target, principal: Principal
    ) async throws -> Prepared {
        let checked = try CreationChecks.run(connection, targets: targets, target: target, principal: principal)
        let made = try await makeBindings(
            connection, checked: checked, organisationID: target.organisationID, principal: principal)
        let now = Timestamp.now()
        let newEndUser = target.newEndUser.map { new in
            NewEndUser(
                id: ULID.generate().string, organisationID: target.organisationID, hubID: target.hubID,
                externalID: new.externalID, displayName: new.displayName)
        }
        guard let owner = newEndUser.map({ EndUserRecord($0, createdAt: now) }) ?? checked.endUser else {
            throw APIError.notFound(.endUserNotFound, "end user")
        }
        let stored = Self.storedConnection(connection, bindings: made.bindings, at: now)
        let new = NewConnection(
            organisationID: target.organisationID, connection: stored, newCredentials: made.newCredentials,
            patchedCredentials: made.patchedCredentials)
        return Prepared(new: new, owner: owner, newEndUser: newEndUser, connectorID: checked.connectorID)
    }

    /// For a caller that writes several connections and rows of its own in one transaction (ActivateIntegration):
    /// CreateEndUserConnection's read for `target` on `database` (no `Idempotency-Key`), to check and prepare with
    /// `prepare` (exchanging and sealing with no transaction open), then write with `insert(_:inTransaction:)`.
    func readTargets(
        _ connection: ConnectionCreate, target: Target, principal: Principal, on database: PGConnection
    ) async throws -> CreationTargets {
        try await CreationTargets.read(
            Self.targetsQuery(connection, target: target, principal: principal, idempotency: nil), on: database)
    }

    /// CreateEndUserConnection's statement for a prepared connection, on the caller's transaction. A constraint
    /// another request satisfied meanwhile (the name) is its API error.
    static func insert(_ prepared: Prepared, inTransaction database: PGConnection) async throws {
        do {
            try await ConnectionInsert.run(
                prepared.new, owner: .known(endUserID: prepared.owner.id, connectorID: prepared.connectorID),
                endUser: nil, idempotency: nil, on: database)
        } catch let error as DatabaseError {
            throw ConstraintErrors.apiError(for: error) ?? error
        }
    }

    /// CreateEndUserConnection in one round trip, when nothing has to be read before the write: an API key (a
    /// token's user is checked against the row), no `Idempotency-Key` (its claim comes first), only new
    /// credentials (no references whose types need checking, no oauth2-code to exchange, which must not be spent
    /// on a request that then fails). Sealing comes first; the statement writes only if the hub, the user and
    /// the connector exist and the name is free, and otherwise says which: `CreationChecks` then turns what it
    /// found into the same error the two-step path gives. Every rule that needs no database has passed already.
    func createInOneStatement(
        _ connection: ConnectionCreate, target: Target, principal: Principal, respond: Respond
    ) async throws -> Response? {
        guard case .organisation = principal, target.newEndUser == nil,
              Self.storesOnlyNewCredentials(connection.action), Self.storesOnlyNewCredentials(connection.trigger)
        else { return nil }
        let none = CreationChecks.Result(endUser: nil, connectorID: "", referenced: [:])
        let made = try await makeBindings(
            connection, checked: none, organisationID: target.organisationID, principal: principal)
        let stored = Self.storedConnection(connection, bindings: made.bindings, at: Timestamp.now())
        // No references and an organisation's key: the query finds the owner and nothing else.
        let query = Self.targetsQuery(connection, target: target, principal: principal, idempotency: nil)
        let outcome = try await insert(
            NewConnection(
                organisationID: target.organisationID, connection: stored, newCredentials: made.newCredentials,
                patchedCredentials: made.patchedCredentials),
            owner: .resolved(query), endUser: nil, idempotency: nil)
        guard let targets = outcome.targets else { throw InvariantViolation("the create statement answered no targets") }
        let checked = try CreationChecks.run(connection, targets: targets, target: target, principal: principal)
        // Every check passed on what the statement saw, so it wrote; anything else is a broken invariant.
        guard outcome.written, let owner = checked.endUser else {
            throw InvariantViolation("every check passed on what the create statement saw, yet it wrote nothing")
        }
        return respond(stored, owner)
    }

    /// Every entry brings a new credential to store as it is: no reference, no oauth2-code.
    private static func storesOnlyNewCredentials(_ entries: [ConnectionCredentialInput]) -> Bool {
        entries.allSatisfy { entry in
            guard case .new(let validated) = entry.credential, case .store = validated.disposition else { return false }
            return true
        }
    }

    @discardableResult
    private func insert(
        _ connection: NewConnection, owner: ConnectionInsert.Owner, endUser: NewEndUser?, idempotency: IdempotencyRecord?
    ) async throws -> ConnectionInsert.Outcome {
        do {
            // One statement, atomic on its own: it may commit together with other requests' creates.
            return try await context.database.writing {
                try await ConnectionInsert.run(connection, owner: owner, endUser: endUser, idempotency: idempotency, on: $0)
            }
        } catch let error as DatabaseError {
            // A constraint another request satisfied first (same name, same externalId, a row deleted meanwhile).
            throw ConstraintErrors.apiError(for: error) ?? error
        }
    }
}
