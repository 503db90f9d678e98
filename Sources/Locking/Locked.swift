#if canImport(Glibc)
import Glibc
#endif

/// A value that threads share behind a pthread mutex: `state.withLock { $0.count += 1 }`.
///
/// Used instead of Synchronization's `Mutex` because ThreadSanitizer on Linux cannot see `Mutex` (it waits on
/// raw futexes, not through pthread calls), so every access it guards would be reported as a race and
/// `scripts/tsan.sh` could not tell real races from those. `withLock` is inlinable, as `Mutex`'s is, so each
/// call site is specialised: across modules an unspecialised generic call costs more than the lock.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    @usableFromInline var value: Value
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: consuming Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock; `body` must not call `withLock` on the same instance.
    @inlinable
    public func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
