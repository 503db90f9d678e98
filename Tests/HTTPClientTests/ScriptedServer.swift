import Foundation
import Glibc
import Synchronization

/// A one-thread TCP server on 127.0.0.1:0 that answers every connection with the same scripted bytes,
/// so tests can play a well-behaved, slow, broken or hostile endpoint. It records what it received.
final class ScriptedServer: Sendable {
    enum Behaviour: Sendable {
        /// Reads the request (head and Content-Length body), then sends `bytes` and closes.
        case respond([UInt8])
        /// Reads the request, waits, then responds.
        case respondAfter(Duration, [UInt8])
        /// Reads the request, sends `head`, then sends `chunk` until the client goes away.
        case streamForever(head: [UInt8], chunk: [UInt8])
        /// Sends `bytes` as soon as anything arrives, without waiting for a whole request.
        case replyToFirstBytes([UInt8])
    }

    let port: Int
    private let listener: Int32
    private let received = Mutex<[String]>([])

    init(_ behaviour: Behaviour) throws {
        (listener, port) = try loopbackListener(backlog: 16)
        let listener = self.listener
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    close(listener)  // only here, so the descriptor cannot be reused while this thread may accept on it
                    return
                }
                serve(client, behaviour)
                close(client)
            }
        }
    }

    /// Requests received so far, as text.
    var requests: [String] { received.withLock { $0 } }

    /// Wakes the accept loop, which then closes the listener.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve(_ client: Int32, _ behaviour: Behaviour) {
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        switch behaviour {
        case .respond(let bytes):
            readRequest(client)
            sendAll(client, bytes)
        case .respondAfter(let delay, let bytes):
            readRequest(client)
            Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            sendAll(client, bytes)
        case .streamForever(let head, let chunk):
            readRequest(client)
            sendAll(client, head)
            while sendAll(client, chunk) {}
        case .replyToFirstBytes(let bytes):
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &buffer, buffer.count, 0)
            sendAll(client, bytes)
        }
    }

    private func readRequest(_ client: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            request += buffer[0..<count]
            let text = String(decoding: request, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length { break }
        }
        received.withLock { $0.append(String(decoding: request, as: UTF8.self)) }
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
