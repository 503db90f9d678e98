import HTTP1

/// The `Authorization` header split into the two schemes this server accepts (RFC 9110 §11.6.2: the scheme name is
/// case-insensitive, followed by one or more spaces and the credentials).
enum AuthorizationHeader: Equatable {
    case bearer(String)
    case jwt(String)

    /// Longest credential accepted; a JWT with a few claims is well under this.
    static let maxCredentialBytes = 8192

    /// nil when the header is absent, empty, or uses another scheme.
    static func parse(_ value: String?) -> AuthorizationHeader? {
        guard let value else { return nil }
        let trimmed = value.trimmingOWS()
        // By byte: the separators are ASCII, and this runs for every request.
        guard let space = trimmed.utf8.firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        else { return nil }
        let scheme = String(Substring(trimmed.utf8[..<space]))
        let credential = String(Substring(trimmed.utf8[space...]).trimmingOWS())
        guard !credential.isEmpty, credential.utf8.count <= maxCredentialBytes else { return nil }
        if scheme.equalsIgnoringASCIICase("bearer") { return .bearer(credential) }
        if scheme.equalsIgnoringASCIICase("jwt") { return .jwt(credential) }
        return nil
    }
}
