import HTTP1
import HTTPClient
import HTTPServer
import JSON

/// Webhooks of an organisation: subscribe, list, delete, and list a webhook's deliveries. Organisation API keys
/// only: an end-user token gets 403.
enum WebhookRoutes {
    static let collection = "/o/:organisation_id/webhooks"
    static let item = "/o/:organisation_id/webhooks/:webhook_id"

    static func register(on router: inout Router, context: AppContext) {
        let store = WebhookStore(database: context.database, keyRing: context.keyRing)
        let outbound = context.configuration.outboundClient

        /// 201 with the signing secret, the only time it is shown. Order: the path's organisation (404007), then
        /// the body (400002, or 400040 for a URL the outbound rules refuse).
        router.on(.POST, collection, context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let create = try WebhookCreate.decode(
                try request.jsonObjectBody(), allowsPlainHTTP: outbound.addressPolicy.allowPrivateNetworks,
                addressPolicy: outbound.addressPolicy)
            let (webhook, secret) = try await store.insert(organisationID: organisationID, create)
            guard case .object(var body) = webhook.json else { throw InvariantViolation("a webhook renders as an object") }
            body["secret"] = .string(secret.text)
            return .json(.created, .object(body), headers: ["Location": "/o/\(organisationID)/webhooks/\(webhook.id)"])
        }

        router.on(.GET, collection, context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let page = try await store.list(organisationID: organisationID, page: try PageRequest.from(request))
            return .json(.ok, page.json(key: "webhooks") { $0.json })
        }

        router.on(.DELETE, item, context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            guard try await store.delete(id: try webhookID(request), organisationID: organisationID) else { throw notFound }
            return Response(status: .noContent)
        }

        router.on(.GET, item + "/deliveries", context: context) { request, principal in
            let organisationID = try TenantGuard.organisation(request, principal)
            let id = try webhookID(request)
            let page = try PageRequest.from(request)
            guard let deliveries = try await store.deliveries(webhookID: id, organisationID: organisationID, page: page)
            else { throw notFound }
            return .json(.ok, deliveries.json(key: "deliveries") { $0.json })
        }
    }

    private static var notFound: APIError { .notFound(.webhookNotFound, "webhook") }

    private static func webhookID(_ request: Request) throws(APIError) -> String {
        try TenantGuard.id(request, "webhook_id", .webhookNotFound, "webhook")
    }
}
