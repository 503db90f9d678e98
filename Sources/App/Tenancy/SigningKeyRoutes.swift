import Cryptography
import HTTP1
import HTTPServer
import JSON

/// Organisations API signing keys: the RSA keys whose private halves sign end-user JWTs.
/// `GET /keys/:id` needs no authentication (openapi.yaml): a public key is public, and ids are unguessable.
enum SigningKeyRoutes {
    static func register(on router: inout Router, context: AppContext) {
        let store = SigningKeyStore(database: context.database)

        router.on(.POST, "/organisations/:organisation_id/keys", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let name = try keyName(try request.jsonObjectBody())
            let pair = try RSAKeys.generate(bits: 2048)
            let key = try await store.insert(organisationID: organisationID, name: name, publicKeyPEM: pair.publicKeyPEM)
            guard case .object(var object) = key.json else { preconditionFailure("a record renders as an object") }
            object["privateKey"] = .string(pair.privateKeyPEM)  // returned this once, never stored
            return .json(.created, .object(object), headers: ["Location": "/keys/\(key.id)", "Cache-Control": "no-store"])
        }

        router.on(.GET, "/organisations/:organisation_id/keys", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.wholeUnlessFirst(request))
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

        router.on(.GET, "/keys/:id") { request in
            let id = try TenantGuard.id(request, "id", .signingKeyNotFound, "signing key")
            guard let key = try await store.find(id: id) else { throw APIError.notFound(.signingKeyNotFound, "signing key") }
            return .json(.ok, key.json)
        }
    }

    /// `CreatePublicKey`: exactly `{"name": non-empty string of at most 200 characters}`.
    static func keyName(_ body: JSONObject) throws(APIError) -> String {
        var fields: [APIError.Field] = body.keys.filter { $0 != "name" }.map { .init(field: $0, message: "unknown field") }
        let name = body["name"]?.stringValue
        if body["name"] == nil {
            fields.append(.init(field: "name", message: "is required"))
        } else if name == nil {
            fields.append(.init(field: "name", message: "must be a string"))
        } else if let name, name.trimmingOWS().isEmpty || name.unicodeScalars.count > 200 {
            fields.append(.init(field: "name", message: "must be 1 to 200 characters"))
        }
        guard fields.isEmpty, let name else { throw APIError.validation(fields) }
        return name
    }
}
