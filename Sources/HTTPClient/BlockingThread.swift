import Glibc

/// Runs blocking work (getaddrinfo, poll, OpenSSL) on a thread of its own, so it never occupies a thread of
/// Swift's cooperative pool. One short-lived thread per request suits the rare outbound calls this serves.
enum BlockingThread {
    static func run<T: Sendable>(
        _ work: @escaping @Sendable (CancellationFlag) -> Result<T, HTTPClientError>
    ) async -> Result<T, HTTPClientError> {
        let cancellation = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, HTTPClientError>, Never>) in
                let job = Job { continuation.resume(returning: work(cancellation)) }
                if !job.start() { continuation.resume(returning: .failure(.connectionFailed)) }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private final class Job: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }

        /// Starts a detached pthread that owns one reference to the job; false when no thread could be made.
        func start() -> Bool {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { context in
                Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, context)
            guard started == 0 else {
                Unmanaged<Job>.fromOpaque(context).release()
                return false
            }
            pthread_detach(thread)
            return true
        }
    }
}
