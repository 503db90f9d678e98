import Dispatch
import Glibc
@testable import HTTPClient
import Synchronization
import Testing

@Suite struct BlockingThreadTests {
    @Test func returnsTheWorkResult() async throws {
        let result = await BlockingThread.run(timeLimit: .seconds(5)) { _ in .success(42) }
        #expect(try result.get() == 42)
    }

    @Test func watchdogAnswersWhenTheWorkCannotWatchTheDeadline() async {
        let workEnded = Flag()
        let result = await BlockingThread.run(timeLimit: .milliseconds(200)) { _ in
            sleep(4)  // like getaddrinfo stuck on an unresponsive DNS server
            workEnded.value.store(true, ordering: .sequentiallyConsistent)
            return .success(1)
        }
        #expect(throws: HTTPClientError.timedOut) { try result.get() }
        // The answer came from the watchdog, not from the work: a wall-clock bound here failed on a loaded machine.
        let answeredFirst = !workEnded.value.load(ordering: .sequentiallyConsistent)
        #expect(answeredFirst)
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

    @Test func refusesWorkBeyondTheThreadBudgetUntilAThreadEnds() async throws {
        let budget = ThreadBudget(limit: 1)
        // The first thread blocks until released, so it surely outlives its watchdog however loaded the machine.
        let gate = DispatchSemaphore(value: 0)
        let first = Task {
            await BlockingThread.run(timeLimit: .milliseconds(100), budget: budget) { _ in
                gate.wait()  // outlives its watchdog: the slot stays taken until the thread ends
                return .success(1)
            }
        }
        await #expect(throws: HTTPClientError.timedOut) { try await first.value.get() }
        let second = await BlockingThread.run(timeLimit: .seconds(5), budget: budget) { _ in .success(2) }
        #expect(throws: HTTPClientError.tooManyRequestsInFlight) { try second.get() }
        gate.signal()
        var third = await BlockingThread.run(timeLimit: .seconds(5), budget: budget) { _ in .success(3) }
        for _ in 0..<200 where (try? third.get()) == nil {  // until the released thread has given its slot back
            try await Task.sleep(for: .milliseconds(20))
            third = await BlockingThread.run(timeLimit: .seconds(5), budget: budget) { _ in .success(3) }
        }
        #expect(try third.get() == 3)
    }
}

/// Set by work on its own thread, read by the test.
private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
