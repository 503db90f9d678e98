import Cryptography

/// A webhook's signing secret and the Standard Webhooks signature made with it. The secret is 32 random bytes,
/// shown once as `whsec_<base64>` and stored only sealed with the credential key ring.
struct WebhookSecret: Sendable {
    static let prefix = "whsec_"
    let bytes: [UInt8]

    static func generate() -> WebhookSecret { WebhookSecret(bytes: SecureRandom.bytes(count: 32)) }

    /// `whsec_<base64 of the bytes>`, the form Standard Webhooks libraries take.
    var text: String { Self.prefix + Base64.encode(bytes) }

    /// Binds the sealed blob to its organisation and webhook, so a blob copied onto another row fails to open.
    static func associatedData(organisationID: String, webhookID: String) -> [UInt8] {
        Array("webhook-secret:v1|\(organisationID)|\(webhookID)".utf8)
    }

    func seal(with keyRing: KeyRing, organisationID: String, webhookID: String) throws -> SealedSecrets {
        SealedSecrets(
            bytes: try keyRing.seal(bytes, associatedData: Self.associatedData(organisationID: organisationID, webhookID: webhookID)),
            keyVersion: keyRing.currentVersion)
    }

    static func open(_ sealed: [UInt8], with keyRing: KeyRing, organisationID: String, webhookID: String) throws -> WebhookSecret {
        WebhookSecret(bytes: try keyRing.open(sealed, associatedData: associatedData(organisationID: organisationID, webhookID: webhookID)))
    }

    /// `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
    func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Base64.encode(Digest.hmacSHA256(key: bytes, data: Array("\(id).\(timestamp).".utf8) + body))
    }
}

extension WebhookSecret: CustomStringConvertible {
    /// Never the bytes: a secret interpolated into a log line by mistake shows nothing.
    var description: String { "WebhookSecret(redacted)" }
}
