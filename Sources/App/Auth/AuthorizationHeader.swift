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
        let trimmed = value.trimmingSpaces()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let scheme = trimmed[..<space].lowercased()
        let credential = trimmed[space...].trimmingSpaces()
        guard !credential.isEmpty, credential.utf8.count <= maxCredentialBytes else { return nil }
        switch scheme {
        case "bearer": return .bearer(credential)
        case "jwt": return .jwt(credential)
        default: return nil
        }
    }
}
