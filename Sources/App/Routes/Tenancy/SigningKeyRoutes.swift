import Cryptography
import HTTP1
import HTTPServer
import JSON

/// Organisations API signing keys: the RSA keys whose private halves sign end-user JWTs.
/// `GET /keys/:id` needs an API key of the organisation owning the key (another organisation's key is 404):
/// this server verifies tokens itself, so nobody else needs the public half.
enum SigningKeyRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let store = SigningKeyStore(database: context.database)

        router.on(.POST, "/organisations/:organisation_id/keys", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let body = try request.jsonObjectBody()
            var validator = BodyValidator()
            let name = validator.string(body, "name", at: "", maxLength: 200)
            validator.rejectUnknown(body, allowed: ["name"], at: "")
            try validator.check()
            let pair = try RSAKeys.generate(bits: 2048)
            let key = try await store.insert(organisationID: organisationID, name: name ?? "", publicKeyPEM: pair.publicKeyPEM)
            guard case .object(var object) = key.json else { preconditionFailure("a record renders as an object") }
            object["privateKey"] = .string(pair.privateKeyPEM)  // returned this once, never stored
            return .json(.created, .object(object), headers: ["Location": "/keys/\(key.id)", "Cache-Control": "no-store"])
        }

        router.on(.GET, "/organisations/:organisation_id/keys", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "keys") { $0.json })
        }

        router.on(.DELETE, "/organisations/:organisation_id/keys/:key_id", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let id = try TenantGuard.id(request, "key_id", .signingKeyNotFound, "signing key")
            guard try await store.delete(id: id, organisationID: organisationID) else {
                throw APIError.notFound(.signingKeyNotFound, "signing key")
            }
            return Response(status: .noContent)
        }

        router.on(.GET, "/keys/:id", context: context) { request, principal in
            let id = try TenantGuard.id(request, "id", .signingKeyNotFound, "signing key")
            guard let key = try await store.find(id: id, organisationID: principal.organisationID) else {
                throw APIError.notFound(.signingKeyNotFound, "signing key")
            }
            return .json(.ok, key.json)
        }
    }
}
