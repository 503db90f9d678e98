import Foundation
import Glibc
import Synchronization

/// A TCP server on 127.0.0.1:0 that serves several requests per connection, a thread per connection, and counts
/// the connections it accepted, so a test sees whether the client reused one. `answer` decides each request's
/// fate from its place on its connection (0 for the first) and its path.
final class KeepAliveUpstream: Sendable {
    enum Action: Sendable {
        /// Sends `bytes`; then closes when `thenClose`, else waits for the next request.
        case answer([UInt8], thenClose: Bool = false)
        /// Closes without a byte of answer (a server that timed the connection out as the request arrived).
        case closeWithoutAnswer
        /// Sends `bytes` (a head, part of a body, or nothing) and then nothing more until the client closes.
        case stallAfter([UInt8])
    }

    static func ok(_ body: String = "ok", headers: String = "") -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\(headers)\r\n\(body)".utf8)
    }

    let port: Int
    private let listener: Int32
    private let accepted = Atomic<Int>(0)
    private let served = Atomic<Int>(0)

    init(answer: @escaping @Sendable (_ index: Int, _ path: String) -> Action) throws {
        (listener, port) = try loopbackListener(backlog: 64)
        let listener = self.listener
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    close(listener)
                    return
                }
                accepted.add(1, ordering: .sequentiallyConsistent)
                Thread.detachNewThread { [self] in
                    serve(client, answer)
                    close(client)
                }
            }
        }
    }

    /// Connections accepted so far.
    var connections: Int { accepted.load(ordering: .sequentiallyConsistent) }
    /// Requests read so far, answered or not.
    var requests: Int { served.load(ordering: .sequentiallyConsistent) }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func serve(_ client: Int32, _ answer: @Sendable (Int, String) -> Action) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var index = 0
        while let path = readRequest(client) {
            served.add(1, ordering: .sequentiallyConsistent)
            switch answer(index, path) {
            case .answer(let bytes, let thenClose):
                guard sendAll(client, bytes), !thenClose else { return }
            case .closeWithoutAnswer:
                return
            case .stallAfter(let bytes):
                guard sendAll(client, bytes) else { return }
                var byte: UInt8 = 0
                while recv(client, &byte, 1, 0) > 0 {}  // until the client closes (or 5 s pass)
                return
            }
            index += 1
        }
    }

    /// The next request's path, its head and Content-Length body read; nil when the client closed.
    private func readRequest(_ client: Int32) -> String? {
        var request: [UInt8] = []
        var byte: UInt8 = 0
        while !request.suffix(4).elementsEqual("\r\n\r\n".utf8) {  // byte by byte: nothing of the next request is read
            guard recv(client, &byte, 1, 0) == 1 else { return nil }
            request.append(byte)
        }
        let head = String(decoding: request, as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        var body = [UInt8](repeating: 0, count: max(length, 1))
        var read = 0
        while read < length {
            let count = body.withUnsafeMutableBytes { recv(client, $0.baseAddress! + read, length - read, 0) }
            guard count > 0 else { return nil }
            read += count
        }
        return head.split(separator: " ").dropFirst().first.map(String.init)
    }
}
