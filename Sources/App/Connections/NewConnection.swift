import JSON

/// A connection ready to be written: ids made, secrets sealed, every check done. `connection` is exactly what
/// the response shows; `newCredentials` adds the sealed secrets of the credentials this request makes, and
/// `patchedCredentials` the existing credentials it changes (an oauth2 grant's client, `GrantClientStorage`).
/// `ConnectionInsert` writes it in one statement, for the owner it is given or finds.
struct NewConnection: Sendable {
    var organisationID: String
    var connection: StoredConnection
    var newCredentials: [NewCredential]
    var patchedCredentials: [NewCredential] = []
}

/// A credential made by this request: its summary (every secret field `""`) and its sealed secrets.
struct NewCredential: Sendable {
    var summary: StoredCredentialSummary
    var sealed: SealedSecrets
}

/// What a response shows of a credential: never a secret.
struct StoredCredentialSummary: Sendable, Equatable {
    var id: String
    var name: String
    var type: String
    var publicData: JSONObject
    var errors: [String]
}

/// A new end user written with its primary connection.
struct NewEndUser: Sendable {
    var id: String
    var organisationID: String
    var hubID: String
    var externalID: String
    var displayName: String
}

/// The answer stored under a claimed `Idempotency-Key` so a retry replays it.
struct IdempotencyRecord: Sendable {
    var key: String
    var scope: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}
