/// Every event a webhook can subscribe to. A subscription names only these; the outbox holds only these.
enum WebhookEventType: String, Sendable, CaseIterable {
    case activationCreated = "activation.created"
    case activationDeleted = "activation.deleted"
    case connectionCreated = "connection.created"
    case connectionDeleted = "connection.deleted"
    case credentialRefreshFailed = "credential.refresh_failed"
    case oauth2ConnectionCompleted = "oauth2.connection_completed"
}
