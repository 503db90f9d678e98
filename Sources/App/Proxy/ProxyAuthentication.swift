import Domain
import HTTPClient

/// Applies a binding's scheme to the request bound for the provider, for real: what the provider receives is
/// what it would from a client holding the credential itself.
enum ProxyAuthentication {
    /// `token` is the binding's oauth2 access token (nil for other schemes); `now` dates jwt-bearer tokens.
    static func apply(
        _ binding: UsableBinding, token: OAuthAccessToken?, now: Timestamp, to request: inout UpstreamRequest
    ) async throws {
        switch binding.config.scheme {
        case .none:
            break
        case .apiKey(let apiKey):
            request.place(binding.field("value"), named: apiKey.name, in: apiKey.location)
        case .basicAuth:
            request.authorize(AuthMaterial.basicHeader(binding))
        case .oauth2:
            guard let token else { throw InvariantViolation("an oauth2 binding reached the proxy without its token") }
            request.authorize(token.header)
        case .hmac(let hmac):
            // Signed over the URL as it is before the signature joins it (when it goes in the query).
            let signature = HMACSignature.sign(
                key: AuthMaterial.hmacKey(binding), algorithm: hmac.algorithm, inputs: hmac.digestInputs,
                body: request.body, url: request.url)
            request.place(signature, named: hmac.name, in: hmac.location)
        case .certificate:
            request.clientCertificate = ClientCertificate(
                certificatePEM: binding.field("certificate"), privateKeyPEM: binding.field("key"),
                trustedCAPEM: binding.field("ca"))
        case .jwtBearer:
            request.authorize(try await JWTBearerToken.signed(binding, now: now).header)
        case .customFunction:
            throw APIError(
                .bindingNotProxyable, "a custom-function binding cannot be applied by the proxy",
                details: "fetch its functionUrl and data from /access and run the function in the integrator's runtime")
        }
    }
}
