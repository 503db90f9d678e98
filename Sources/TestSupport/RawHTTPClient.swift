import Glibc

/// A deliberately dumb HTTP client for end-to-end tests: it writes exactly the bytes it is given (malformed,
/// pipelined, drip-fed) and every read has a deadline. The socket is non-blocking and waits by sleeping the
/// task, so tests never pin a cooperative thread while the server's responder needs one.
public final class RawHTTPClient {
    public struct TimedOut: Error, CustomStringConvertible {
        public var description: String { "timed out waiting for the server" }
    }

    /// The connection ended (EOF, or the error in `errno`, such as a reset) before a whole response arrived.
    public struct ClosedEarly: Error, CustomStringConvertible {
        public let received: Int
        public let errno: Int32
        public var description: String {
            "the server closed the connection (\(errno == 0 ? "EOF" : "errno \(errno)")) after \(received) bytes of a response"
        }
    }

    public struct ConnectFailed: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "connect failed: errno \(errno)" }
    }

    /// One parsed response: status line, headers in order, body.
    public struct RawResponse: Sendable {
        public var statusCode: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    let fd: Int32
    /// Bytes received but not yet returned by `readResponse`.
    var pending: [UInt8] = []
    public private(set) var peerClosed = false
    /// Why the last read ended the connection: 0 for EOF, else the errno of the failed recv.
    private var closeErrno: Int32 = 0

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConnectFailed(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ConnectFailed(errno: code)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { Glibc.close(fd) }

    public func write(_ text: String) async throws { try await write(Array(text.utf8)) }

    public func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EINTR) {
                guard ContinuousClock.now < deadline else { throw TimedOut() }
                try await Task.sleep(for: .milliseconds(2))
            } else {
                throw ConnectFailed(errno: errno)
            }
        }
    }

    /// Makes the close at deinit a reset (RST) rather than an orderly FIN, as a crashed or hostile client's.
    public func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Closes the sending direction (the server sees EOF) while still reading.
    public func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// Waits for at least one byte (appended to the pending buffer); false if the peer closed first.
    @discardableResult
    func fill(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                pending.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                peerClosed = true
                closeErrno = count == 0 ? 0 : errno
                return false
            }
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Whatever arrives until the server closes the connection.
    public func readUntilClose(timeout: Duration = .seconds(15)) async throws -> [UInt8] {
        while try await fill(timeout: timeout) {}
        defer { pending = [] }
        return pending
    }

    /// True if the server closes the connection within `timeout` (after any unread bytes).
    public func waitForClose(timeout: Duration) async -> Bool {
        (try? await readUntilClose(timeout: timeout)) != nil
    }

    /// Reads exactly one response (an interim 1xx counts as one). `isHEAD`: the response has no body.
    public func readResponse(isHEAD: Bool = false, timeout: Duration = .seconds(15)) async throws -> RawResponse {
        var headEnd = RawResponseParser.headEnd(pending)
        while headEnd == nil {
            guard try await fill(timeout: timeout) else { throw ClosedEarly(received: pending.count, errno: closeErrno) }
            headEnd = RawResponseParser.headEnd(pending)
        }
        guard let headEnd, var response = RawResponseParser.head(pending[0..<headEnd]) else { throw TimedOut() }
        pending.removeFirst(headEnd)
        let hasBody = !isHEAD && response.statusCode >= 200 && response.statusCode != 204 && response.statusCode != 304
        if hasBody, let length = response.header("content-length").flatMap({ Int($0) }) {
            while pending.count < length {
                guard try await fill(timeout: timeout) else {
                    throw ClosedEarly(received: headEnd + pending.count, errno: closeErrno)
                }
            }
            response.body = Array(pending[0..<length])
            pending.removeFirst(length)
        } else if hasBody && response.header("content-length") == nil {
            response.body = try await readUntilClose(timeout: timeout)
        }
        return response
    }
}

/// Just enough response parsing for `RawHTTPClient`: find the head, split status line and fields.
enum RawResponseParser {
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count
        where bytes[index] == 10 && bytes[index - 1] == 13 && bytes[index - 2] == 10 && bytes[index - 3] == 13 {
            return index + 1
        }
        return nil
    }

    static func head(_ bytes: ArraySlice<UInt8>) -> RawHTTPClient.RawResponse? {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)[...]
        guard let statusLine = lines.popFirst() else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let code = Int(parts[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            return (name: String(line[..<colon]), value: String(value))
        }
        return RawHTTPClient.RawResponse(statusCode: code, headers: headers, body: [])
    }
}
