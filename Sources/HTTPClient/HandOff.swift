import Glibc

/// A bounded queue between the blocking thread that owns an outbound connection and the task that feeds it or
/// reads from it: one producer and one consumer, each either blocking (the thread, with a `Deadline`) or async.
/// A full queue stops its producer, which is how a slow reader slows the connection instead of growing memory.
final class HandOff<Item: Sendable>: @unchecked Sendable {
    let capacity: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var items: [Item] = []
    private var closed = false
    private var taker: CheckedContinuation<Item?, Never>?
    private var putter: CheckedContinuation<Bool, Never>?

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    // MARK: Blocking side

    /// Waits while the queue is full; false once the other side closed it (the item is dropped).
    func put(_ item: Item, deadline: Deadline) throws(HTTPClientError) -> Bool {
        pthread_mutex_lock(mutex)
        while !closed && items.count >= capacity {
            if let failure = wait(deadline) {
                pthread_mutex_unlock(mutex)
                throw failure
            }
        }
        guard !closed else {
            pthread_mutex_unlock(mutex)
            return false
        }
        let waiting = deliver(item)
        pthread_mutex_unlock(mutex)
        waiting?.resume(returning: item)
        return true
    }

    /// The next item, waiting for one; nil once the queue is closed and drained.
    func take(deadline: Deadline) throws(HTTPClientError) -> Item? {
        pthread_mutex_lock(mutex)
        while !closed && items.isEmpty {
            if let failure = wait(deadline) {
                pthread_mutex_unlock(mutex)
                throw failure
            }
        }
        let item = items.isEmpty ? nil : items.removeFirst()
        let waiting = putter
        putter = nil
        pthread_mutex_unlock(mutex)
        waiting?.resume(returning: !closedNow())
        return item
    }

    // MARK: Async side

    /// Waits while the queue is full; false once the other side closed it.
    func put(_ item: Item) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            pthread_mutex_lock(mutex)
            if closed {
                pthread_mutex_unlock(mutex)
                return continuation.resume(returning: false)
            }
            if items.count < capacity {
                let waiting = deliver(item)
                pthread_mutex_unlock(mutex)
                waiting?.resume(returning: item)
                return continuation.resume(returning: true)
            }
            // Full: the item joins now (one over capacity at most) and the putter waits for room.
            items.append(item)
            putter = continuation
            pthread_mutex_unlock(mutex)
        }
    }

    /// The next item, waiting for one; nil once the queue is closed and drained.
    func take() async -> Item? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            pthread_mutex_lock(mutex)
            if !items.isEmpty {
                let item = items.removeFirst()
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
                return continuation.resume(returning: item)
            }
            if closed {
                pthread_mutex_unlock(mutex)
                return continuation.resume(returning: nil)
            }
            taker = continuation
            pthread_mutex_unlock(mutex)
        }
    }

    // MARK: Either side

    /// No more items go in: a waiting taker gets what is left and then nil, a waiting putter false. `last`, when
    /// given, is queued first whatever the capacity (a failure the consumer must see).
    func close(after last: Item? = nil) {
        pthread_mutex_lock(mutex)
        var waitingTaker: CheckedContinuation<Item?, Never>?
        var handed: Item?
        if !closed, let last {
            if let taker {
                waitingTaker = taker
                handed = last
                self.taker = nil
            } else {
                items.append(last)
            }
        }
        closed = true
        if waitingTaker == nil, let taker {
            waitingTaker = taker
            self.taker = nil
            handed = items.isEmpty ? nil : items.removeFirst()
        }
        let waitingPutter = putter
        putter = nil
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        waitingTaker?.resume(returning: handed)
        waitingPutter?.resume(returning: false)
    }

    // MARK: Private, with `mutex` held

    /// Hands `item` to a waiting async taker, or queues it and wakes a blocked one.
    private func deliver(_ item: Item) -> CheckedContinuation<Item?, Never>? {
        if let waiting = taker {
            taker = nil
            return waiting
        }
        items.append(item)
        pthread_cond_broadcast(condition)
        return nil
    }

    /// One bounded wait on the condition; the failure when the deadline passed or the call was cancelled.
    private func wait(_ deadline: Deadline) -> HTTPClientError? {
        let milliseconds: Int32
        do { milliseconds = try deadline.nextWaitMilliseconds() } catch { return error }
        var until = timespec.realtime(after: .milliseconds(milliseconds))
        _ = pthread_cond_timedwait(condition, mutex, &until)
        return nil
    }

    private func closedNow() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return closed
    }
}
