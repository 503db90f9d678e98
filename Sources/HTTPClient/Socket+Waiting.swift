import Glibc

/// The socket's reads and writes for a task that waits through an `OutboundSocketWaiting` instead of `poll`.
extension Socket {
    /// Waits until the socket is ready, in slices of at most 100 ms (`Deadline.nextWaitMilliseconds`) so that a
    /// cancelled call or a passed deadline is noticed; throws then.
    func wait(readable: Bool, deadline: Deadline, on waiter: any OutboundSocketWaiting) async throws(HTTPClientError) {
        if Task.isCancelled { throw .cancelled }
        let until = ContinuousClock.now + .milliseconds(try deadline.nextWaitMilliseconds())
        switch await waiter.wait(readable: readable, on: descriptor, until: until) {
        case true?: return
        case false?:
            // Refused before its time: the waiter cannot watch (its loop is stopping), so nothing will come.
            guard ContinuousClock.now >= until else { throw .connectionLost }
            return
        case nil: break
        }
        // The task left the waiter's thread (it never should): look, and back off a moment if not ready.
        var entry = pollfd(fd: descriptor, events: Int16(readable ? POLLIN : POLLOUT), revents: 0)
        if poll(&entry, 1, 0) == 0 { try? await Task.sleep(for: .milliseconds(1)) }
    }

    func write(_ bytes: [UInt8], deadline: Deadline, on waiter: any OutboundSocketWaiting) async throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw .connectionLost }
            try await wait(readable: false, deadline: deadline, on: waiter)
        }
    }

    /// Reads what is available into `buffer`; 0 means the peer closed. With `waitFirst` it waits before the first
    /// attempt (an answer just asked for has not come yet: the attempt would only cost a system call).
    func read(
        into buffer: inout [UInt8], deadline: Deadline, on waiter: any OutboundSocketWaiting, waitFirst: Bool = false
    ) async throws(HTTPClientError) -> Int {
        if waitFirst { try await wait(readable: true, deadline: deadline, on: waiter) }
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw .connectionLost }
            try await wait(readable: true, deadline: deadline, on: waiter)
        }
    }
}
