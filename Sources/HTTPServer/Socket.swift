import Glibc

/// Thin helpers over BSD sockets; every call goes through `syscall` so errors are typed.
enum Socket {
    /// A non-blocking listening TCP socket with SO_REUSEADDR, and the port it actually bound.
    /// `host` is a numeric IPv4/IPv6 address (no DNS lookups at bind time), or `localhost` for 127.0.0.1.
    static func listen(host: String, port: Int, backlog: Int32) throws(SocketError) -> (fd: Int32, port: Int) {
        let host = host == "localhost" ? "127.0.0.1" : host
        let isV6 = host.contains(":")
        let fd = try syscall("socket") {
            socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            try bind(fd, host: host, port: port, isV6: isV6)
            try syscall("listen") { Glibc.listen(fd, backlog) }
            try setNonBlocking(fd)
            return (fd, try boundPort(fd))
        } catch {
            close(fd)
            throw error
        }
    }

    private static func bind(_ fd: Int32, host: String, port: Int, isV6: Bool) throws(SocketError) {
        guard let port = UInt16(exactly: port) else { throw SocketError(call: "bind", errno: EINVAL) }
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(port.bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw SocketError(call: "inet_pton", errno: EINVAL) }
            try bind(fd, to: &address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(port.bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw SocketError(call: "inet_pton", errno: EINVAL) }
            try bind(fd, to: &address)
        }
    }

    private static func bind<Address>(_ fd: Int32, to address: inout Address) throws(SocketError) {
        let size = socklen_t(MemoryLayout<Address>.size)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, size) }
        }
        guard result == 0 else { throw SocketError(call: "bind", errno: errno) }
    }

    private static func boundPort(_ fd: Int32) throws(SocketError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketError) in
                try syscall("getsockname") { getsockname(fd, address, &length) }
            }
        }
        let port: UInt16 = withUnsafeBytes(of: storage) { raw in
            // sin_port and sin6_port share the same offset, right after the family.
            raw.load(fromByteOffset: 2, as: UInt16.self)
        }
        return Int(UInt16(bigEndian: port))
    }

    /// Accepts one pending connection as a non-blocking socket with TCP_NODELAY.
    static func accept(_ listener: Int32) throws(SocketError) -> IOResult<Int32> {
        let result = try nonBlockingSyscall("accept") { Glibc.accept(listener, nil, nil) }
        guard case .processed(let fd) = result else { return .wouldBlock }
        do {
            try setNonBlocking(fd)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        } catch {
            close(fd)
            throw error
        }
        return .processed(fd)
    }

    static func setNonBlocking(_ fd: Int32) throws(SocketError) {
        let flags = try syscall("fcntl") { fcntl(fd, F_GETFL) }
        try syscall("fcntl") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SocketError) {
        var value = value
        try syscall("setsockopt") { setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }
}
