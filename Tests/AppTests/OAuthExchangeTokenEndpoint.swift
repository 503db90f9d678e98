import HTTP1
import HTTPServer
import Logging
import Synchronization

/// A token endpoint played by our own HTTP server on 127.0.0.1:0. Each path is one behaviour of a real
/// authorization server: success, OAuth error, slow, garbage, oversized, redirect, server error, incomplete tokens.
final class OAuthExchangeTokenEndpoint: Responder, Sendable {
    static let success = #"{"access_token":"at-123","token_type":"bearer","expires_in":3600,"refresh_token":"rt-456","scope":"read write"}"#

    private let received = Mutex<[Request]>([])
    var requests: [Request] { received.withLock { $0 } }

    func respond(to request: Request) async -> Response {
        received.withLock { $0.append(request) }
        switch request.path {
        case "/success": return .json(.ok, Array(Self.success.utf8))
        case "/minimal": return .json(.ok, Array(#"{"access_token":"at-min","refresh_token":"rt"}"#.utf8))
        case "/string-expiry":
            return .json(.ok, Array(#"{"access_token":"at","refresh_token":"rt","token_type":"mac","expires_in":"60"}"#.utf8))
        case "/no-refresh": return .json(.ok, Array(#"{"access_token":"at","token_type":"Bearer"}"#.utf8))
        case "/bad-expiry": return .json(.ok, Array(#"{"access_token":"at","refresh_token":"rt","expires_in":-5}"#.utf8))
        case "/rejected":
            let body = #"{"error":"invalid_grant","error_description":"code the-code-42 expired; \"client\" s3cr3t-value"}"#
            return .json(.badRequest, Array(body.utf8))
        case "/error-in-200": return .json(.ok, Array(#"{"error":"access_denied"}"#.utf8))
        case "/no-token": return .json(.ok, Array(#"{"token_type":"Bearer"}"#.utf8))
        case "/slow":
            try? await Task.sleep(for: .seconds(6))
            return .json(.ok, Array(Self.success.utf8))
        case "/garbage": return Response(status: .ok, headers: ["Content-Type": "text/html"], body: Array("<html>hi</html>".utf8))
        case "/oversized": return .json(.ok, Array(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024) + Array("{}".utf8))
        case "/redirect": return Response(status: HTTPStatus(code: 302, reasonPhrase: "Found"), headers: ["Location": "http://169.254.169.254/"])
        default: return .json(.internalServerError, Array(#"{"message":"boom"}"#.utf8))
        }
    }

    /// Runs the endpoint for the duration of `body`, handing it the base URL (`http://127.0.0.1:<port>`).
    @discardableResult
    static func with<T>(_ body: (OAuthExchangeTokenEndpoint, String) async throws -> T) async throws -> T {
        let endpoint = OAuthExchangeTokenEndpoint()
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.eventLoopThreads = 1
        let server = Server(configuration: configuration, responder: endpoint, logger: Logger(label: "token-endpoint"))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.run(onListening: { continuation.yield($0) }) }
        defer {
            server.shutdown()
            running.cancel()
        }
        guard let port = await ports.first(where: { _ in true }) else { throw CancellationError() }
        return try await body(endpoint, "http://127.0.0.1:\(port)")
    }
}
