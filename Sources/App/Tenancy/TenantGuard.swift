import Domain
import HTTPServer

/// Path and body checks shared by the tenancy routes. Anything that is not the caller's answers 404, never 403,
/// so the existence of another organisation's resources does not leak.
enum TenantGuard {
    /// `{organisation_id}` must be the caller's own organisation.
    static func organisation(_ request: Request, _ principal: Principal) throws(APIError) -> String {
        guard request.parameters["organisation_id"].hasSameBytes(as: principal.organisationID) else {
            throw APIError.notFound(.organisationNotFound, "organisation")
        }
        return principal.organisationID
    }

    /// A path id, normalised. One that is not a ULID cannot name a row, so it is 404 without a query.
    static func id(_ request: Request, _ parameter: String, _ code: ErrorCode, _ what: String) throws(APIError) -> String {
        guard let text = request.parameters[parameter], let id = ULID(text) else { throw APIError.notFound(code, what) }
        return id.string
    }
}
