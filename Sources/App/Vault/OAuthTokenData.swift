import JSON

/// Splits the `oauth2-token` data an exchange returns into what may be shown and what must be sealed.
enum OAuthTokenData {
    static let secretFields = ["refreshToken", "accessToken"]

    static func split(_ data: JSONObject) -> (publicData: JSONObject, secretData: JSONObject) {
        var publicData = data
        var secretData = JSONObject()
        for field in secretFields {
            guard let value = data[field] else { continue }
            secretData[field] = value
            publicData[field] = .string("")
        }
        return (publicData, secretData)
    }
}
