import Cryptography
import HTTP1
import HTTPServer
import JSON

/// The `Idempotency-Key` of a create request: what it is, where it applies and what was sent with it.
struct IdempotencyKey: Sendable {
    static let header = "Idempotency-Key"
    /// How long an answer is replayed.
    static let lifetimeHours = 24

    var key: String
    /// The method and the request target (path and query): the same key on another route is another key.
    var scope: String
    /// SHA-256 of the body bytes exactly as sent.
    var requestHash: [UInt8]

    /// nil when the request has no key; 400005 when the key is empty, longer than 255, or not visible ASCII.
    static func from(_ request: Request) throws(APIError) -> IdempotencyKey? {
        let values = request.headers.values(for: header)
        guard let key = values.first else { return nil }
        guard values.count == 1, (1...255).contains(key.utf8.count),
              key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw APIError(
                .invalidIdempotencyKey, "Idempotency-Key must be one value of 1 to 255 visible ASCII characters")
        }
        return IdempotencyKey(
            key: key, scope: "\(request.method.rawValue) \(request.target)", requestHash: Digest.sha256(request.body))
    }

    /// The record to store with a first answer.
    func record(for response: Response) -> IdempotencyRecord {
        IdempotencyRecord(
            key: key, scope: scope, status: response.status.code,
            headers: response.headers.map { (name: $0.name, value: $0.value) }, body: response.body)
    }

    /// The stored answer again (byte for byte); 409002 when the key came with another body, 409005 while the
    /// first request with it is still running.
    func replay(_ stored: CreationTargets.StoredAnswer) throws(APIError) -> Response {
        guard Digest.constantTimeEqual(stored.requestHash, requestHash) else { throw Self.reused }
        guard !stored.isInProgress else { throw Self.inProgress }
        var headers = HeaderFields()
        for (name, value) in stored.headers {
            if case .string(let text) = value { headers.add(name: name, value: text) }
        }
        headers.add(name: "Idempotent-Replayed", value: "true")
        let status = stored.status == HTTPStatus.created.code ? HTTPStatus.created : HTTPStatus(code: stored.status, reasonPhrase: "")
        return Response(status: status, headers: headers, body: stored.body)
    }

    static let reused = APIError(
        .idempotencyKeyReused, "this Idempotency-Key was already used with a different request")
    static let inProgress = APIError(
        .idempotentRequestInProgress, "a request with this Idempotency-Key is still running; retry shortly",
        headers: ["Retry-After": "1"])
}
