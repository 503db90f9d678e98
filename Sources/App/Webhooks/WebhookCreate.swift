import HTTPClient
import JSON

/// The body of `POST /o/{organisation_id}/webhooks`: `url`, `events`, optional `description`. Every problem is
/// reported at once, each with its field path.
struct WebhookCreate: Sendable, Equatable {
    static let maxURLLength = 2048
    static let maxDescriptionLength = 1024

    var url: String
    var events: [WebhookEventType]
    var description: String

    /// `allowsPlainHTTP`: the outbound rules let the server call private networks (a development setup), so an
    /// `http://` receiver is accepted; otherwise only `https://`. `addressPolicy` refuses an address literal the
    /// worker could never call; names are checked at each delivery, since what they resolve to changes.
    static func decode(
        _ body: JSONObject, allowsPlainHTTP: Bool, addressPolicy: OutboundAddressPolicy
    ) throws(APIError) -> WebhookCreate {
        var fields: [APIError.Field] = []
        var refused: [APIError.Field] = []
        var url = ""
        switch body["url"] {
        case .string(let text) where text.utf8.count <= maxURLLength:
            url = text
            if let problem = urlProblem(text, allowsPlainHTTP: allowsPlainHTTP, addressPolicy: addressPolicy) {
                switch problem {
                case .invalid(let message): fields.append(.init(field: "url", message: message))
                case .refused(let message): refused.append(.init(field: "url", message: message))
                }
            }
        case .string: fields.append(.init(field: "url", message: "must be at most \(maxURLLength) characters"))
        case nil, .null?: fields.append(.init(field: "url", message: "is required"))
        default: fields.append(.init(field: "url", message: "must be a string"))
        }
        var events: [WebhookEventType] = []
        switch body["events"] {
        case .array(let items) where !items.isEmpty:
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item, let type = WebhookEventType(rawValue: name) else {
                    fields.append(.init(field: "events[\(index)]", message: "must be one of " + knownNames))
                    continue
                }
                if events.contains(type) {
                    fields.append(.init(field: "events[\(index)]", message: "is listed twice"))
                } else {
                    events.append(type)
                }
            }
        case .array: fields.append(.init(field: "events", message: "must name at least one event type"))
        case nil, .null?: fields.append(.init(field: "events", message: "is required"))
        default: fields.append(.init(field: "events", message: "must be an array of event types"))
        }
        var description = ""
        switch body["description"] {
        case nil, .null?: break
        case .string(let text) where text.count <= maxDescriptionLength: description = text
        case .string: fields.append(.init(field: "description", message: "must be at most \(maxDescriptionLength) characters"))
        default: fields.append(.init(field: "description", message: "must be a string"))
        }
        for key in body.keys where !["url", "events", "description"].contains(key) {
            fields.append(.init(field: key, message: "unknown field"))
        }
        if !fields.isEmpty { throw APIError.validation(fields + refused) }
        if !refused.isEmpty {
            throw APIError(.webhookURLRefused, "the outbound rules refuse this webhook URL", fields: refused)
        }
        return WebhookCreate(url: url, events: events, description: description)
    }

    private static let knownNames = WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")

    private enum URLProblem {
        case invalid(String)
        case refused(String)
    }

    private static func urlProblem(
        _ text: String, allowsPlainHTTP: Bool, addressPolicy: OutboundAddressPolicy
    ) -> URLProblem? {
        let parsed: OutboundURL
        do {
            parsed = try OutboundURL(parsing: text)
        } catch .refused {
            return .invalid("must be an absolute https URL")
        } catch {
            return .invalid("must be an absolute https URL (\(error))")
        }
        if parsed.scheme == .http, !allowsPlainHTTP {
            return .refused("must use https: plain http is accepted only where the outbound rules allow private networks")
        }
        if let address = IPAddress(parsed.host), let refusal = addressPolicy.refusal(for: address) {
            return .refused("the outbound rules refuse this address: \(refusal)")
        }
        return nil
    }
}
