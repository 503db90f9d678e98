/// The rule for routes open to end-user tokens (`AccessPolicy.organisationOrEndUser`): once the handler has
/// resolved the path's end user (inside the caller's organisation, so foreign ids are already 404), an end-user
/// token may proceed only when that user is its own `sub`.
public enum EndUserScope {
    /// Throws 403 (`forbidden`) when `principal` is an end-user token for someone other than `externalID`, byte
    /// for byte as the database compares external ids (not by Swift's canonical equivalence).
    /// API keys of the organisation always pass.
    public static func check(_ principal: Principal, owns externalID: String) throws(APIError) {
        guard case .endUser(_, let tokenUser, _) = principal else { return }
        guard tokenUser.hasSameBytes(as: externalID) else {
            throw APIError(.forbidden, "this token may act only on its own end user")
        }
    }

    /// True for an end-user token: routes that list many users use it to narrow what they return.
    public static func isEndUser(_ principal: Principal) -> Bool {
        if case .endUser = principal { return true }
        return false
    }
}
