public import HTTPServer

/// Who is calling, established by `Authenticating` before any handler runs.
public enum Principal: Sendable, Equatable {
    /// `Authorization: Bearer <api key>`: what its `scopes` allow in the organisation.
    case organisation(organisationID: String, apiKeyID: String, scopes: Set<APIKeyScope> = [.organisation])
    /// `Authorization: JWT <token>`: only the end user whose externalId is `externalID`, in any hub of the organisation.
    case endUser(organisationID: String, externalID: String, signingKeyID: String)

    public var organisationID: String {
        switch self {
        case .organisation(let id, _, _), .endUser(let id, _, _): id
        }
    }

    /// An API key's scopes; an end-user token has none.
    public var scopes: Set<APIKeyScope> {
        if case .organisation(_, _, let scopes) = self { scopes } else { [] }
    }
}

/// Turns a request's `Authorization` header into a principal, or throws an `APIError` (401 with WWW-Authenticate).
public protocol Authenticating: Sendable {
    func authenticate(_ request: Request) async throws -> Principal
    /// What the headers alone tell, without waiting: lets a body be refused before it is read. The default
    /// leaves everything to `authenticate`.
    func screen(_ request: Request) -> CredentialScreening
}

/// `Authenticating.screen`'s answer.
public enum CredentialScreening: Sendable {
    /// Missing, ambiguous or malformed: the 401 that `authenticate` would throw, known without a lookup.
    case refused(APIError)
    /// An API key already confirmed (`APIKeyCache`).
    case confirmed
    /// Well-formed; only `authenticate` can tell.
    case needsLookup
}

extension Authenticating {
    public func screen(_ request: Request) -> CredentialScreening { .needsLookup }
}

/// Errors of other modules (domain validation, database) that know their API form.
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}
