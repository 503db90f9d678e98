import HTTPServer

/// Path checks shared by the tenancy routes. Anything that is not the caller's answers 404, never 403, so the
/// existence of another organisation's resources does not leak.
enum TenantGuard {
    /// `{organisation_id}` must be the caller's own organisation.
    static func organisation(_ request: Request, _ principal: Principal) throws(APIError) -> String {
        guard request.parameters["organisation_id"] == principal.organisationID else {
            throw APIError.notFound(.organisationNotFound, "organisation")
        }
        return principal.organisationID
    }

    /// A path id; one that is not even ULID-shaped cannot name a row, so it is 404 without a query.
    static func id(_ request: Request, _ parameter: String, _ code: ErrorCode, _ what: String) throws(APIError) -> String {
        guard let id = request.parameters[parameter], Identifier.isWellFormed(id) else {
            throw APIError.notFound(code, what)
        }
        return id
    }
}
