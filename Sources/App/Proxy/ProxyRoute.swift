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
        var upstream = try UpstreamRequest(
            forwarding: request, baseURL: connection.connectorBaseURL, path: request.parameters["path"] ?? "")
        var response = try await send(upstream, binding: binding, organisationID: organisationID, mustRenew: false,
                                      connectorID: connection.connectorID)
        if response.status.code == 401, binding.config.oauth2 != nil,
           let renewed = try? await oauthToken(binding, organisationID: organisationID, mustRenew: true, tokens: tokens) {
            upstream.authorize(renewed.header)
            response = try await exchange(upstream, organisationID: organisationID, connectorID: connection.connectorID)
        }
        return Response(
            status: response.status,
            headers: HopByHopHeaders.endToEnd(response.headers, alsoDropping: HopByHopHeaders.responseOnly),
            body: response.body)
    }

    private func send(
        _ request: UpstreamRequest, binding: UsableBinding, organisationID: String, mustRenew: Bool, connectorID: String
    ) async throws -> OutboundResponse {
        var request = request
        let token = try await oauthToken(binding, organisationID: organisationID, mustRenew: mustRenew, tokens: tokens)
        try ProxyAuthentication.apply(binding, token: token, now: Timestamp.now(), to: &request)
        return try await exchange(request, organisationID: organisationID, connectorID: connectorID)
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
