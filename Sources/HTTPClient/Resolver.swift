import Glibc

/// One address a host name resolved to, ready to connect to: the SSRF guard checks `ip`, the socket
/// connects to `storage`, which is the same address, so nothing is resolved twice.
struct ResolvedAddress {
    let family: Int32
    let ip: IPAddress
    private var storage = sockaddr_storage()
    private let length: socklen_t

    init?(_ address: UnsafePointer<sockaddr>, length: socklen_t, port: Int) {
        family = Int32(address.pointee.sa_family)
        self.length = length
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length))) }
        switch family {
        case AF_INET:
            var v4 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            ip = .v4(UInt32(bigEndian: v4.sin_addr.s_addr))
            v4.sin_port = in_port_t(port).bigEndian
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v4, as: sockaddr_in.self) }
        case AF_INET6:
            var v6 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            ip = .v6(withUnsafeBytes(of: v6.sin6_addr) { Array($0) })
            v6.sin6_port = in_port_t(port).bigEndian
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v6, as: sockaddr_in6.self) }
        default:
            return nil
        }
    }

    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
    }
}

enum Resolver {
    /// Every TCP address of `host`, in the system's preferred order, without duplicates. Blocking.
    static func resolve(host: String, port: Int) throws(HTTPClientError) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { throw .resolutionFailed }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var cursor = list
        while let entry = cursor {
            if let socketAddress = entry.pointee.ai_addr,
               let address = ResolvedAddress(socketAddress, length: entry.pointee.ai_addrlen, port: port),
               !addresses.contains(where: { $0.ip == address.ip }) {
                addresses.append(address)
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw .resolutionFailed }
        return addresses
    }
}
