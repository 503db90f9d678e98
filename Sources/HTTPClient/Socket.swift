import Glibc

/// A non-blocking TCP socket whose every wait is bounded by a `Deadline`. Closed on deinit.
final class Socket {
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }

    /// Connects to one address; `deadline` should already be capped by the connect timeout.
    static func connect(to address: ResolvedAddress, deadline: Deadline) throws(HTTPClientError) -> Socket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(address.family, type, 0)
        guard descriptor >= 0 else { throw .connectionFailed }
        let socket = Socket(descriptor: descriptor)
        let result = address.withSockaddr { Glibc.connect(descriptor, $0, $1) }
        if result == 0 { return socket }
        guard errno == EINPROGRESS else { throw .connectionFailed }
        try socket.wait(for: Int16(POLLOUT), deadline: deadline)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else {
            throw .connectionFailed
        }
        return socket
    }

    /// Blocks until the socket is ready for `events`, the deadline passes, or the request is cancelled.
    func wait(for events: Int16, deadline: Deadline) throws(HTTPClientError) {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, try deadline.nextWaitMilliseconds())
            if ready > 0 { return }  // readable, writable, or an error the next call reports
            if ready < 0, errno != EINTR { throw .connectionLost }
        }
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw .connectionLost }
            try wait(for: Int16(POLLOUT), deadline: deadline)
        }
    }

    /// Reads what is available into `buffer`; 0 means the peer closed.
    func read(into buffer: inout [UInt8], deadline: Deadline) throws(HTTPClientError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw .connectionLost }
            try wait(for: Int16(POLLIN), deadline: deadline)
        }
    }
}
