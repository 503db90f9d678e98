import Domain
import HTTP1
import HTTPClient
import HTTPServer
import Postgres

/// `/hubs/{hub_id}/users/{user_id}/connections/{connection_id}/proxy/{path}` (any method): the caller's request
/// sent on to the connector's `baseUrl` + `path`, authenticated with one binding of the connection
/// (`Connection-Binding`, default `action:0`), and the provider's answer relayed as it came, minus hop-by-hop
/// headers, its body streamed as it arrives (never held whole). An oauth2 binding whose token the provider refuses (401) gets one renewed token and one retry.
struct ProxyRoute: Sendable {
    static let methods: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]
    /// The methods whose bodies are forwarded (streamed, up to PROXY_MAX_BODY_BYTES); others' are dropped unread.
    static let bodyMethods: Set<HTTPMethod> = [.POST, .PUT, .PATCH]

    let connections: UsableConnectionStore
    let cachedConnections: UsableConnectionCache
    let tokens: any AccessTokenSource
    let client: HTTPClient
    let metrics: ProxyMetrics

    func handle(_ request: Request, principal: Principal) async throws -> Response {
        let organisationID = principal.organisationID
        let selector = try BindingSelector.from(request.headers.values(for: BindingSelector.header))
        let path = try EndUserPath(request, principal: principal)
        let connection = try await connections.load(
            path, connectionID: request.parameters["connection_id"] ?? "", cache: cachedConnections)
        let binding = try connection.binding(selector)
        var upstream = try UpstreamRequest(
            forwarding: request, baseURL: connection.connectorBaseURL, path: request.parameters["path"] ?? "")
        var body = ProxyRequestBody(prefix: [], rest: nil)
        if let stream = request.bodyStream {
            let signed = ProxyRequestBody.isSigned(by: binding)
            body = try await ProxyRequestBody.read(
                stream, keeping: signed ? ProxyRequestBody.signedBodyBytes : ProxyRequestBody.replayableBytes)
            if signed && body.rest != nil {
                throw APIError(.bodyTooLarge, "a body signed by an hmac binding may be at most 1 MiB",
                               details: "the whole body is read before it is signed and sent")
            }
            upstream.body = body.prefix
        }
        let token = try await oauthToken(binding, organisationID: organisationID, mustRenew: false, tokens: tokens)
        var response = try await send(
            upstream, rest: body, binding: binding, token: token, connection: connection, organisationID: organisationID)
        // When no renewed token can be had, or the body streamed on and cannot be sent again, the provider's 401
        // is the answer.
        if response.status.code == 401, token != nil, body.rest == nil,
           let renewed = try? await oauthToken(binding, organisationID: organisationID, mustRenew: true, tokens: tokens) {
            response.body.abandon()
            response = try await send(
                upstream, rest: body, binding: binding, token: renewed, connection: connection, organisationID: organisationID)
        }
        let headers = HopByHopHeaders.endToEnd(response.headers, alsoDropping: HopByHopHeaders.responseOnly)
        if response.status.mayCarryBody, let whole = response.body.takeWhole() {
            // The whole answer came with its head: sent as one, without a task per piece.
            metrics.recordReceived(whole.count)
            return Response(status: response.status, headers: headers, body: whole)
        }
        return Response(status: response.status, headers: headers, stream: relay(response, connectorID: connection.connectorID))
    }

    /// The provider's body as this server's streamed answer, its bytes counted as they pass; a failure after the
    /// head is counted too (the server then cuts the client's answer short).
    private func relay(_ response: OutboundStreamingResponse, connectorID: String) -> ResponseStream {
        let (body, metrics) = (response.body, metrics)
        return ResponseStream(length: response.contentLength, next: {
            do {
                let piece = try await body.next()
                if let piece { metrics.recordReceived(piece.count) }
                return piece
            } catch {
                metrics.recordCutShort(connectorID: connectorID)
                throw error  // its description (logged by the server) holds no address, header or body
            }
        }, abandon: { body.abandon() })
    }

    /// `request` authenticated with `binding` (and `token`, for oauth2), sent, and its answer counted.
    private func send(
        _ request: UpstreamRequest, rest body: ProxyRequestBody, binding: UsableBinding, token: OAuthAccessToken?, connection: UsableConnection,
        organisationID: String
    ) async throws -> OutboundStreamingResponse {
        var request = request
        try await ProxyAuthentication.apply(binding, token: token, now: Timestamp.now(), to: &request)
        return try await exchange(request, rest: body, organisationID: organisationID, connectorID: connection.connectorID)
    }

    /// Sends `request`; when `body` goes on beyond the bytes already read, the rest follows as it arrives.
    private func exchange(
        _ request: UpstreamRequest, rest body: ProxyRequestBody, organisationID: String, connectorID: String
    ) async throws -> OutboundStreamingResponse {
        var outbound = request.outbound
        outbound.tenant = organisationID
        var upload: OutboundUpload?
        if let rest = body.rest {
            let streamed = OutboundUpload(length: rest.length)
            body.pump(into: streamed, counting: metrics)
            upload = streamed
        }
        // The request's own deadline bounds the call when it comes before the client's timeout.
        let timeLeft = CallerDeadline.current.map { ContinuousClock.now.duration(to: $0) }
        let started = ContinuousClock.now
        do {
            let response = try await client.open(outbound, upload: upload, timeLimit: timeLeft)
            metrics.record(
                connectorID: connectorID, status: response.status.code, seconds: seconds(since: started),
                sent: request.body.count, received: 0)
            return response
        } catch {
            upload?.fail()
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
