import Domain
import HTTP1
import HTTPClient
import HTTPServer
import Postgres

/// `/hubs/{hub_id}/users/{user_id}/connections/{connection_id}/proxy/{path}` (any method): the caller's request
/// sent on to the connector's `baseUrl` + `path`, authenticated with one binding of the connection
/// (`Connection-Binding`, default `action:0`), and the provider's answer relayed as it came, minus hop-by-hop
/// headers. An oauth2 binding whose token the provider refuses (401) gets one renewed token and one retry.
struct ProxyRoute: Sendable {
    static let methods: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]

    let connections: UsableConnectionStore
    let tokens: any AccessTokenSource
    let client: HTTPClient
    let metrics: ProxyMetrics

    func handle(_ request: Request, principal: Principal) async throws -> Response {
        let organisationID = principal.organisationID
        let selector = try BindingSelector.from(request.headers.values(for: BindingSelector.header))
        let path = try EndUserPath(request, principal: principal)
        let connection = try await connections.load(path, connectionID: request.parameters["connection_id"] ?? "")
        let binding = try connection.binding(selector)
        let upstream = try UpstreamRequest(
            forwarding: request, baseURL: connection.connectorBaseURL, path: request.parameters["path"] ?? "")
        let token = try await oauthToken(binding, organisationID: organisationID, mustRenew: false, tokens: tokens)
        var response = try await send(
            upstream, binding: binding, token: token, connection: connection, organisationID: organisationID)
        // When no renewed token can be had, the provider's 401 is the answer.
        if response.status.code == 401, token != nil,
           let renewed = try? await oauthToken(binding, organisationID: organisationID, mustRenew: true, tokens: tokens) {
            response = try await send(
                upstream, binding: binding, token: renewed, connection: connection, organisationID: organisationID)
        }
        return Response(
            status: response.status,
            headers: HopByHopHeaders.endToEnd(response.headers, alsoDropping: HopByHopHeaders.responseOnly),
            body: response.body)
    }

    /// `request` authenticated with `binding` (and `token`, for oauth2), sent, and its answer counted.
    private func send(
        _ request: UpstreamRequest, binding: UsableBinding, token: OAuthAccessToken?, connection: UsableConnection,
        organisationID: String
    ) async throws -> OutboundResponse {
        var request = request
        try await ProxyAuthentication.apply(binding, token: token, now: Timestamp.now(), to: &request)
        return try await exchange(request, organisationID: organisationID, connectorID: connection.connectorID)
    }

    private func exchange(
        _ request: UpstreamRequest, organisationID: String, connectorID: String
    ) async throws -> OutboundResponse {
        var outbound = request.outbound
        outbound.tenant = organisationID
        // The request's own deadline bounds the call when it comes before the client's timeout.
        let timeLeft = CallerDeadline.current.map { ContinuousClock.now.duration(to: $0) }
        let started = ContinuousClock.now
        do {
            let response = try await client.send(outbound, timeLimit: timeLeft)
            metrics.record(
                connectorID: connectorID, status: response.status.code, seconds: seconds(since: started),
                sent: request.body.count, received: response.body.count)
            return response
        } catch {
            metrics.record(connectorID: connectorID, status: nil, seconds: seconds(since: started),
                           sent: request.body.count, received: 0)
            throw ProxyFailure.apiError(error)
        }
    }
}

private func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
}
