public import HTTPServer

/// Who is calling, established by `Authenticating` before any handler runs.
public enum Principal: Sendable, Equatable {
    /// `Authorization: Bearer <api key>`: everything in the organisation.
    case organisation(organisationID: String, apiKeyID: String)
    /// `Authorization: JWT <token>`: only the end user whose externalId is `externalID`, in any hub of the organisation.
    case endUser(organisationID: String, externalID: String, signingKeyID: String)

    public var organisationID: String {
        switch self {
        case .organisation(let id, _), .endUser(let id, _, _): id
        }
    }
}

/// Turns a request's `Authorization` header into a principal, or throws an `APIError` (401 with WWW-Authenticate).
public protocol Authenticating: Sendable {
    func authenticate(_ request: Request) async throws -> Principal
}

/// Errors of other modules (domain validation, database) that know their API form.
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}
