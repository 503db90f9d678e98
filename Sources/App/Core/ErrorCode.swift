public import HTTP1

/// Every error code the API answers. Six digits: HTTP status × 1000 + cause. Documented in openapi/openapi.yaml.
public enum ErrorCode: Int, Sendable, CaseIterable {
    // 400
    case malformedRequest = 400000        // HTTP framing (answered by the server module)
    case malformedJSON = 400001           // body is not valid JSON / not an object
    case validationFailed = 400002        // body fields invalid; `fields` names each
    case invalidIdentifierType = 400003   // identifier_type not internal|external
    case invalidParameter = 400004        // a query parameter (first, before, after, …) is invalid
    case invalidIdempotencyKey = 400005   // Idempotency-Key empty or too long
    case outboundTargetRefused = 400006   // tokenUrl resolves to a refused network (SSRF guard)
    case oauthExchangeRejected = 400007   // the token endpoint answered an OAuth error
    case missingBody = 400008             // a body was required
    case nulInParameter = 400009          // a path or query parameter decodes to NUL (%00); `fields` names it
    case unsupportedVariablesSchema = 400010  // variablesSchema uses a keyword or format not enforced, or misuses one
    case templateNotOfIntegration = 400011    // metadata names a template that is not one of the integration's
    case activationConnectionsInvalid = 400020  // an activation's connections are not one entry per used template
    case authSchemeConfigMismatch = 400021      // an activation binding's authSchemeConfig is not its template's
    case connectionOfAnotherConnector = 400022  // an activation reuses a connection of another connector
    case dynamicVariablesInvalid = 400023       // dynamicVariables fail the integration's variablesSchema
    case oauthClientMismatch = 400030     // initialise: clientId is not the named oauth2-client credential's
    case oauthClientNotUsable = 400031    // initialise: an end-user token names a client its connector does not designate
    case webhookURLRefused = 400040       // a webhook url the outbound rules refuse (plain http, a refused address)
    case malformedContentEncoding = 400050 // a gzip request body is truncated or corrupt; the message says which
    case invalidConnectionBinding = 400060  // Connection-Binding is not action:N or trigger:N
    case proxyTargetRefused = 400061      // the connector's baseUrl resolves to a refused network (SSRF guard)
    case proxyRequestInvalid = 400062     // the request cannot be forwarded as sent (a header or the connector's baseUrl)
    case bindingNotProxyable = 400063     // a custom-function binding: only the integrator's function can apply it
    // 401
    case missingCredentials = 401001
    case invalidAPIKey = 401002
    case invalidToken = 401003
    // 403
    case forbidden = 403001               // an end-user token outside its own user, or wrong organisation in path
    case scopeMissing = 403002            // the API key lacks the route's scope, or an end-user token used a key-only scope
    // 404
    case routeNotFound = 404000
    case hubNotFound = 404001
    case endUserNotFound = 404002
    case connectorNotFound = 404003
    case credentialNotFound = 404004
    case connectionNotFound = 404005
    case signingKeyNotFound = 404006
    case organisationNotFound = 404007
    case authSchemeConfigNotFound = 404008
    case integrationNotFound = 404009
    case connectionTemplateNotFound = 404010
    case activationNotFound = 404011
    case webhookNotFound = 404013
    case connectionBindingNotFound = 404014  // the connection has no binding at Connection-Binding (or none at all)
    // 405, 408
    case methodNotAllowed = 405000
    case requestTimeout = 408000
    // 409
    case duplicateConnectionName = 409001
    case idempotencyKeyReused = 409002
    case duplicateExternalID = 409003
    case connectorInUse = 409004
    case idempotentRequestInProgress = 409005
    case authSchemeConfigInUse = 409006
    case integrationDeployed = 409007     // a deployed integration cannot be deleted
    case activationExists = 409008              // the end user already activated this integration
    case integrationNotDeployed = 409009        // activating an integration that is not deployed
    case connectionUsedByActivation = 409010    // deleting a connection an activation uses
    case primaryConnectionRequired = 409011  // deleting an end user's last connection to the hub's primary connector
    // 413, 414, 415, 417, 431
    case bodyTooLarge = 413000
    case uriTooLong = 414000
    case unsupportedMediaType = 415001
    case unsupportedContentEncoding = 415002 // a request body's Content-Encoding other than gzip; `Accept-Encoding` names what is
    case expectationFailed = 417000       // an Expect other than 100-continue (answered by the server module)
    case headersTooLarge = 431000
    // 5xx
    case internalError = 500000
    case methodOrCodingNotImplemented = 501000  // no route answers the method, or a transfer coding is not implemented
    case notImplemented = 501001          // the OpenAPI document is missing beside the server
    case tokenEndpointUnreachable = 502001
    case tokenEndpointBadResponse = 502002
    case upstreamUnreachable = 502005     // the provider could not be reached (resolution, connection, TLS)
    case upstreamTimedOut = 502006        // the provider did not answer within the outbound timeout
    case upstreamBadResponse = 502007     // the provider's answer (its head, for the proxy) was malformed
    case accessTokenUnavailable = 502008  // no fresh oauth2 access token could be had for the binding
    case credentialUnusable = 502009      // the stored credential cannot be turned into auth material
    case overloaded = 503000
    case databaseUnavailable = 503001
    case outboundBusy = 503002            // the organisation's outbound calls are all in use
    case bodyBudgetExhausted = 503003     // answered by the server module: MAX_BUFFERED_BODY_BYTES is in use
    case requestDeadlineExceeded = 503004 // the handler outlasted REQUEST_TIMEOUT_MS; its statement was cancelled
    case publicBaseURLUnset = 503005      // PUBLIC_BASE_URL is unset, so there is no redirect_uri to send
    case auditLogUnavailable = 503006     // the audit row could not be written, so no credential is handed out
    case httpVersionNotSupported = 505000 // a request in a version other than HTTP/1.x (answered by the server module)

    public var status: HTTPStatus {
        switch rawValue / 1000 {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 408: .requestTimeout
        case 409: .conflict
        case 413: .contentTooLarge
        case 414: .uriTooLong
        case 415: .unsupportedMediaType
        case 417: .expectationFailed
        case 431: .requestHeaderFieldsTooLarge
        case 501: .notImplemented
        case 502: .badGateway
        case 503: .serviceUnavailable
        case 505: .httpVersionNotSupported
        default: .internalServerError
        }
    }
}
