@testable import App
import Testing

/// `WEBHOOK_*` as read from the environment: the defaults, each value, and the refusals naming their variable.
struct WebhookConfigurationTests {
    let minimal = ["DATABASE_URL": "postgresql:///db", "CREDENTIAL_KEYS": "v1:AAAA"]

    @Test func defaultsRetryForADayFromOneSecond() throws {
        let webhooks = try AppConfiguration.fromEnvironment(minimal).webhooks
        #expect(webhooks.deliver)
        #expect(webhooks.retryBase == .seconds(1))
        #expect(webhooks.retryMaxDelay == .seconds(3600))
        #expect(webhooks.retryFor == .seconds(24 * 3600))
        #expect(webhooks.lease == .seconds(60))
        #expect(webhooks.pollInterval == .seconds(1))
        #expect(webhooks.batchSize == 16)
        #expect(webhooks.retainSettled == .seconds(168 * 3600))
    }

    @Test func readsEverySetting() throws {
        let webhooks = try AppConfiguration.fromEnvironment(minimal.merging([
            "WEBHOOK_DELIVERY": "false", "WEBHOOK_RETRY_BASE_MS": "250", "WEBHOOK_RETRY_MAX_DELAY_MS": "60000",
            "WEBHOOK_RETRY_HOURS": "48", "WEBHOOK_LEASE_MS": "30000", "WEBHOOK_POLL_MS": "200",
            "WEBHOOK_BATCH_SIZE": "64", "WEBHOOK_RETAIN_HOURS": "2",
        ]) { $1 }).webhooks
        #expect(!webhooks.deliver)
        #expect(webhooks.retryBase == .milliseconds(250))
        #expect(webhooks.retryMaxDelay == .seconds(60))
        #expect(webhooks.retryFor == .seconds(48 * 3600))
        #expect(webhooks.lease == .seconds(30))
        #expect(webhooks.pollInterval == .milliseconds(200))
        #expect(webhooks.batchSize == 64)
        #expect(webhooks.retainSettled == .seconds(7200))
    }

    /// Retrying for less than a day is refused: the contract promises at least 24 hours.
    @Test func refusesValuesOutOfRange() {
        #expect {
            try AppConfiguration.fromEnvironment(minimal.merging([
                "WEBHOOK_RETRY_HOURS": "23", "WEBHOOK_RETRY_BASE_MS": "0", "WEBHOOK_BATCH_SIZE": "1001",
            ]) { $1 })
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            return ["WEBHOOK_RETRY_HOURS", "WEBHOOK_RETRY_BASE_MS", "WEBHOOK_BATCH_SIZE"]
                .allSatisfy { name in problems.contains { $0.hasPrefix(name) } }
        }
    }

    /// A lease shorter than an outbound call could lapse while the call runs; the worker holds at least the
    /// outbound timeout plus 5 s.
    @Test func theLeaseOutlivesTheOutboundTimeout() throws {
        var configuration = try AppConfiguration.fromEnvironment(minimal.merging(["WEBHOOK_LEASE_MS": "1000"]) { $1 })
        configuration.outboundTimeout = .seconds(10)
        #expect(configuration.webhooks.lease == .seconds(1))
        #expect(WebhookWorker.lease(configuration.webhooks, outboundTimeout: configuration.outboundTimeout) == .seconds(15))
        #expect(WebhookWorker.lease(WebhookConfiguration(), outboundTimeout: .seconds(10)) == .seconds(60))
    }
}
