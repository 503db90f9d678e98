public import HTTPClient
import Locking

/// An `OutboundNetwork` that contacts nothing: it answers resolutions from a table and records every host
/// resolved and every connection the client would have opened, refusing each. Tests use it to show that the
/// guard refuses before any connection attempt, without sending traffic anywhere.
public final class RecordingNetwork: Sendable {
    private let answers: [String: [IPAddress]]
    private let log = Locked<(resolved: [String], connections: [String])>(([], []))

    /// `answers` maps host names to what they resolve to; address literals resolve to themselves.
    public init(answers: [String: [IPAddress]] = [:]) { self.answers = answers }

    public var resolvedHosts: [String] { log.withLock { $0.resolved } }
    /// `address:port` of every connection the client tried to open.
    public var connectionAttempts: [String] { log.withLock { $0.connections } }

    public var network: OutboundNetwork {
        OutboundNetwork(
            resolve: { [self] host throws(HTTPClientError) in
                log.withLock { $0.resolved.append(host) }
                if let literal = IPAddress(host) { return [literal] }
                guard let addresses = answers[host] else { throw .resolutionFailed }
                return addresses
            },
            willConnect: { [self] address, port throws(HTTPClientError) in
                log.withLock { $0.connections.append("\(address):\(port)") }
                throw .connectionFailed
            })
    }
}
