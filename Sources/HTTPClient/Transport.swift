import Glibc

/// The byte stream a request runs over: the plain socket or TLS on top of it.
enum Transport {
    case plain(Socket)
    case tls(TLSStream)

    /// Tries each checked address in order until one connects; then the TLS handshake for https.
    static func open(
        _ url: OutboundURL, addresses: [ResolvedAddress], network: OutboundNetwork,
        tls: () throws(HTTPClientError) -> TLSContext, identity: (ClientCertificate, extraCAFile: String?)? = nil,
        connectTimeout: Duration, deadline: Deadline
    ) throws(HTTPClientError) -> Transport {
        var lastError = HTTPClientError.connectionFailed
        for address in addresses {
            do {
                try network.willConnect(address.ip, url.port)
                let socket = try Socket.connect(to: address, deadline: deadline.capped(by: connectTimeout))
                guard url.scheme == .https else { return .plain(socket) }
                return .tls(try TLSStream(
                    socket: socket, context: try tls(), host: url.host, identity: identity, deadline: deadline))
            } catch .timedOut where address.ip != addresses.last?.ip {
                lastError = .timedOut  // this address timed out its connect; the overall deadline may still allow another
            } catch .connectionFailed {
                continue
            }
        }
        throw lastError
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(HTTPClientError) {
        switch self {
        case .plain(let socket): try socket.write(bytes, deadline: deadline)
        case .tls(let stream): try stream.write(bytes, deadline: deadline)
        }
    }

    func read(into buffer: inout [UInt8], deadline: Deadline) throws(HTTPClientError) -> Int {
        switch self {
        case .plain(let socket): try socket.read(into: &buffer, deadline: deadline)
        case .tls(let stream): try stream.read(into: &buffer, deadline: deadline)
        }
    }
}
