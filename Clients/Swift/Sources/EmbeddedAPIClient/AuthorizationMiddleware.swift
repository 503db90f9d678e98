import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends `Authorization: Bearer <API key>` (or `JWT <end-user token>`) with every request: the generated client
/// leaves the spec's security schemes to a middleware.
public struct AuthorizationMiddleware: ClientMiddleware {
    private let value: String

    /// An organisation API key, sent as `Bearer <key>`.
    public init(apiKey: String) { value = "Bearer \(apiKey)" }

    /// An end-user token, sent as `JWT <token>`.
    public init(endUserToken: String) { value = "JWT \(endUserToken)" }

    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = value
        return try await next(request, body, baseURL)
    }
}
