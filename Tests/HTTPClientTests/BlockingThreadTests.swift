import Glibc
@testable import HTTPClient
import Testing

@Suite struct BlockingThreadTests {
    @Test func returnsTheWorkResult() async throws {
        let result = await BlockingThread.run(timeLimit: .seconds(5)) { _ in .success(42) }
        #expect(try result.get() == 42)
    }

    @Test func watchdogAnswersWhenTheWorkCannotWatchTheDeadline() async {
        let started = ContinuousClock.now
        let result = await BlockingThread.run(timeLimit: .milliseconds(200)) { _ in
            sleep(4)  // like getaddrinfo stuck on an unresponsive DNS server
            return .success(1)
        }
        #expect(throws: HTTPClientError.timedOut) { try result.get() }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func cancellationBeforeTheWorkStartsStillAnswersOnce() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await BlockingThread.run(timeLimit: .seconds(5)) { cancellation in
                usleep(50_000)
                return cancellation.isCancelled ? .failure(.cancelled) : .success(1)
            }
        }
        await #expect(throws: HTTPClientError.cancelled) { try await task.value.get() }
    }
}
