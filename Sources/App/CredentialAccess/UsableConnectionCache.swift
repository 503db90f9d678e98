import Domain
import Locking

/// Connections the proxy has loaded, with their opened credentials, for `maxAge` (1 s): under load one end user's
/// connection is proxied many times a second, and each load is two statements and an unseal. Kept in memory only,
/// never logged (`UsableBinding` prints no secret).
///
/// Staleness is bounded both ways: every write this instance handles (any route but the proxy's and `/access`
/// with a method other than GET, HEAD or OPTIONS) forgets everything before and after it runs, and a load that
/// began before such a write is not kept; a change made through another instance or in SQL is seen within
/// `maxAge`. Connections with an oauth2 binding are never kept: their tokens are renewed in the database.
final class UsableConnectionCache: Sendable {
    struct Key: Hashable, Sendable {
        var organisationID: String
        var hubID: String
        var endUser: EndUserLookup
        var connectionID: String
    }

    /// Taken before the database is asked, so an answer read before a write is not kept after it.
    struct Ticket: Sendable {
        fileprivate let generation: UInt64
        fileprivate let takenAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: (connection: UsableConnection, loadedAt: ContinuousClock.Instant)] = [:]
        var generation: UInt64 = 0
    }

    /// One second: a revoked credential or deleted connection changed through another instance is used for at
    /// most this long, while a connection proxied at hundreds of requests a second is read once a second.
    static let defaultMaxAge: Duration = .seconds(1)
    /// Beyond this many connections the cache starts afresh (bounds memory; entries live a second anyway).
    static let capacity = 10_000

    let maxAge: Duration
    private let state = Locked(State())

    init(maxAge: Duration = UsableConnectionCache.defaultMaxAge) { self.maxAge = maxAge }

    func connection(for key: Key, now: ContinuousClock.Instant = .now) -> UsableConnection? {
        state.withLock { state in
            guard let found = state.entries[key], now - found.loadedAt < maxAge else { return nil }
            return found.connection
        }
    }

    /// Nil when caching is off (`maxAge` zero).
    func ticket() -> Ticket? {
        guard maxAge > .zero else { return nil }
        return state.withLock { Ticket(generation: $0.generation, takenAt: .now) }
    }

    /// Keeps `connection` unless a write came since `ticket` was taken, or it has an oauth2 binding.
    func remember(_ connection: UsableConnection, for key: Key, ticket: Ticket) {
        guard !connection.bindings.contains(where: \.renewsInDatabase) else { return }
        state.withLock { state in
            guard state.generation == ticket.generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = (connection, ticket.takenAt)
        }
    }

    /// Forgets every connection; loads under way are not kept.
    func forgetAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}

extension UsableBinding {
    /// An oauth2 binding's tokens are renewed and stored while the connection is in use.
    fileprivate var renewsInDatabase: Bool { config.schemeType == .oauth2 }
}
