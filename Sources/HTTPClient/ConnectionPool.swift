import Cryptography
import Glibc
import HTTP1
import Locking

/// Idle connections kept after a response was read to its end, for the next request to the same origin with the
/// same TLS client identity. Only connections that were opened through the address policy enter, so a reused one
/// was checked when it was made. At most `maxIdlePerOrigin` wait per origin (the newest are kept) and
/// `maxIdleTotal` in all (beyond it a returned connection is closed: origins are named by tenants, so their number
/// is not ours to bound); one idle longer than `idleTimeout` is closed, on the next use of the pool or by the sweep
/// that follows the last return.
final class ConnectionPool: Sendable {
    /// Scheme, host as written in the URL, port, and a SHA-256 of the client certificate, key and trusted CAs
    /// (none for a request without one), so a connection authenticated as one identity never carries another's
    /// request and the pool holds no key material itself.
    struct Origin: Hashable, Sendable {
        var scheme: OutboundURL.Scheme
        var host: String
        var port: Int
        var identity: [UInt8]

        init(_ url: OutboundURL, identity: ClientCertificate?) {
            scheme = url.scheme
            host = url.host
            port = url.port
            self.identity = identity.map(Self.digest) ?? []
        }

        private static func digest(_ identity: ClientCertificate) -> [UInt8] {
            let text = [identity.certificatePEM, identity.privateKeyPEM, identity.trustedCAPEM].joined(separator: "\0")
            return Digest.hash(Array(text.utf8), algorithm: .sha256)
        }
    }

    private struct Idle {
        let transport: Transport
        let since: ContinuousClock.Instant
    }

    private struct State {
        var idle: [Origin: [Idle]] = [:]
        var idleCount = 0
        var sweepScheduled = false
        /// Connections opened and connections handed out again (for tests and the benchmark's explanation).
        var opened = 0
        var reused = 0
        /// Reused connections driven from the calling task's event loop (`LoopExchange`) rather than a worker thread.
        var reusedOnCallingLoop = 0
    }

    let maxIdlePerOrigin: Int
    let maxIdleTotal: Int
    let idleTimeout: Duration
    private let state = Locked(State())

    init(maxIdlePerOrigin: Int, maxIdleTotal: Int, idleTimeout: Duration) {
        self.maxIdlePerOrigin = maxIdlePerOrigin
        self.maxIdleTotal = maxIdleTotal
        self.idleTimeout = idleTimeout
    }

    var isEnabled: Bool { maxIdlePerOrigin > 0 && idleTimeout > .zero }

    /// The most recently returned idle connection to `origin` that is still open and quiet, or nil. Connections
    /// found closed, readable (the peer closed or sent something unasked) or too old are closed on the way.
    /// `onCallingLoop` counts the connection as driven from the calling task's event loop (`LoopExchange`).
    func take(_ origin: Origin, onCallingLoop: Bool = false) -> Transport? {
        let now = ContinuousClock.now
        while true {
            let candidate: Idle? = state.withLock { state in
                guard var waiting = state.idle[origin], let last = waiting.popLast() else { return nil }
                state.idle[origin] = waiting.isEmpty ? nil : waiting
                state.idleCount -= 1
                return last
            }
            guard let candidate else { return nil }
            guard now - candidate.since < idleTimeout, candidate.transport.isQuietlyOpen else { continue }
            state.withLock { state in
                state.reused += 1
                if onCallingLoop { state.reusedOnCallingLoop += 1 }
            }
            return candidate.transport
        }
    }

    /// Keeps `transport` for the next exchange with `origin` when the answer that just ended leaves it usable: the
    /// pool is on, the end was the framing's and not the peer closing (`endedWithBytes`), the server did not say
    /// `close`, and nothing came beyond the answer.
    func keepIfReusable(
        _ transport: Transport, for origin: Origin, endedWithBytes: Bool, keepsConnection: Bool, hasSurplus: Bool
    ) {
        if isEnabled, endedWithBytes, keepsConnection, !hasSurplus { give(transport, to: origin) }
    }

    /// Keeps `transport` for the next request to `origin`; beyond the limit the oldest idle one is closed.
    func give(_ transport: Transport, to origin: Origin) {
        var dropped: [Idle] = []  // closed outside the lock
        let startSweep: Bool = state.withLock { state in
            var waiting = state.idle[origin, default: []]
            guard state.idleCount < maxIdleTotal else { return false }
            waiting.append(Idle(transport: transport, since: .now))
            state.idleCount += 1
            if waiting.count > maxIdlePerOrigin {
                dropped = Array(waiting.prefix(waiting.count - maxIdlePerOrigin))
                waiting.removeFirst(dropped.count)
                state.idleCount -= dropped.count
            }
            state.idle[origin] = waiting
            guard !state.sweepScheduled else { return false }
            state.sweepScheduled = true
            return true
        }
        if startSweep { scheduleSweep() }
    }

    func countOpened() { state.withLock { $0.opened += 1 } }

    var reusedOnCallingLoop: Int { state.withLock { $0.reusedOnCallingLoop } }

    /// Connections opened and reused since the pool was made.
    var counts: (opened: Int, reused: Int) { state.withLock { ($0.opened, $0.reused) } }

    /// Closes connections idle past the timeout, once per timeout while any are idle, so an origin no longer
    /// called does not keep its connections open.
    private func scheduleSweep() {
        let timeout = idleTimeout
        Task.detached { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.sweep()
        }
    }

    private func sweep() {
        let cutoff = ContinuousClock.now - idleTimeout
        var expired: [Transport] = []
        let again: Bool = state.withLock { state in
            for (origin, waiting) in state.idle {
                let kept = waiting.filter { $0.since > cutoff }
                expired += waiting.filter { $0.since <= cutoff }.map(\.transport)
                state.idle[origin] = kept.isEmpty ? nil : kept
            }
            state.idleCount -= expired.count
            state.sweepScheduled = !state.idle.isEmpty
            return state.sweepScheduled
        }
        expired.removeAll()  // closed here, outside the lock
        if again { scheduleSweep() }
    }
}

extension Transport {
    /// Whether an idle connection may carry another request: the socket reports nothing (a readable idle socket
    /// means the peer closed it, reset it, or sent bytes no request asked for) and TLS holds no unread bytes.
    var isQuietlyOpen: Bool {
        let descriptor: Int32
        switch self {
        case .plain(let socket): descriptor = socket.descriptor
        case .tls(let stream):
            guard !stream.hasBufferedInput else { return false }
            descriptor = stream.descriptor
        }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }
}

extension ResponseHead {
    /// Whether the server keeps the connection open after this answer (HTTP/1.1 without `Connection: close`, or
    /// an explicit keep-alive), the same rule the server applies to requests.
    var keepsConnection: Bool { RequestHead.defaultKeepAlive(version: version, headers: headers) }
}
