@testable import App
import Cryptography
import Testing

/// The retry schedule as a pure rule: doubling from the base, jittered between half and whole, capped, and
/// given up once the window has passed.
struct WebhookRetryScheduleTests {
    let configuration: WebhookConfiguration = {
        var configuration = WebhookConfiguration()
        configuration.retryBase = .milliseconds(1000)
        configuration.retryMaxDelay = .seconds(60)
        return configuration
    }()

    func delay(_ attempts: Int, random: Double, elapsed: Duration = .seconds(1)) -> WebhookRetrySchedule.Decision {
        WebhookRetrySchedule.afterFailure(attempts: attempts, elapsed: elapsed, configuration: configuration, random: random)
    }

    @Test func doublesFromTheBaseWithJitterBetweenHalfAndWhole() {
        #expect(delay(1, random: 0.999_999) == .retry(after: .milliseconds(1000)))
        #expect(delay(1, random: 0) == .retry(after: .milliseconds(500)))
        #expect(delay(2, random: 0.999_999) == .retry(after: .milliseconds(2000)))
        #expect(delay(3, random: 0.5) == .retry(after: .milliseconds(3000)))
        #expect(delay(4, random: 0) == .retry(after: .milliseconds(4000)))
    }

    @Test func isCappedAndNeverOverflows() {
        #expect(delay(7, random: 0.999_999) == .retry(after: .seconds(60)))
        #expect(delay(10_000, random: 0) == .retry(after: .seconds(30)))
    }

    @Test func keepsRetryingForTheWholeWindowThenGivesUp() {
        #expect(delay(50, random: 0.5, elapsed: .seconds(24 * 3600 - 1)) != .giveUp)
        #expect(delay(50, random: 0.5, elapsed: .seconds(24 * 3600)) == .giveUp)
        #expect(WebhookConfiguration().retryFor >= .seconds(24 * 3600))
        #expect(WebhookConfiguration().retryBase == .seconds(1))
    }

    /// Standard Webhooks' published example: the signature a conforming receiver library checks.
    @Test func signsAsTheStandardWebhooksExample() throws {
        let secret = WebhookSecret(bytes: try #require(Base64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        #expect(secret.text == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = secret.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect("\(secret)" == "WebhookSecret(redacted)")
    }
}
