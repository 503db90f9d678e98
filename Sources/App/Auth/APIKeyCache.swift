import Postgres
import Locking

/// API keys the database has confirmed, by hash, so a request with a known key needs no statement of its own.
/// Exact, not a TTL: entries are trusted only while the server LISTENs on `api_keys_changed` (migration 0004's
/// trigger notifies on every UPDATE, DELETE or TRUNCATE of `api_keys`), and every notification, and every loss of
/// the listening connection, forgets them all. A key that fails is never cached, so revocation needs no entry.
/// `maxAge` bounds how long an entry is trusted even so, in case notifications are lost without the connection
/// failing (a transaction-pooling proxy in front of PostgreSQL accepts LISTEN and never delivers).
final class APIKeyCache: Sendable {
    static let channel = "api_keys_changed"

    struct Entry: Sendable, Equatable {
        var keyID: String
        var organisationID: String
        var scopes: Set<APIKeyScope> = [.organisation]
    }

    /// What a lookup of the database must present to remember its answer: the generation it started in.
    struct Ticket: Sendable {
        fileprivate let generation: UInt64
        /// Before the database was asked, so an entry's age is never understated.
        fileprivate let takenAt: ContinuousClock.Instant
    }

    private struct State: ~Copyable {
        var entries: [[UInt8]: (entry: Entry, confirmedAt: ContinuousClock.Instant)] = [:]
        /// Bumped by every change notice, so an answer read before a change is not stored after it.
        var generation: UInt64 = 0
        var listening = false
    }

    private let state = Locked(State())
    /// Beyond this many keys the cache starts afresh (keys are few; this bounds memory, not hit rate).
    let capacity: Int
    /// An entry older than this is looked up again; zero keeps nothing.
    let maxAge: Duration

    init(capacity: Int = 10_000, maxAge: Duration = .seconds(60)) {
        self.capacity = capacity
        self.maxAge = maxAge
    }

    /// The confirmed key for `hash`, or nil (unknown, too old, or not listening, so nothing may be trusted).
    func entry(for hash: [UInt8], now: ContinuousClock.Instant = .now) -> Entry? {
        state.withLock { state in
            guard state.listening, let found = state.entries[hash], now - found.confirmedAt < maxAge else { return nil }
            return found.entry
        }
    }

    /// Taken before the database is asked; nil while not listening or disabled (the answer may not be kept).
    func ticket() -> Ticket? {
        guard maxAge > .zero else { return nil }
        return state.withLock { $0.listening ? Ticket(generation: $0.generation, takenAt: .now) : nil }
    }

    /// Keeps a confirmed key unless a change notice (or a lost listener) came since `ticket` was taken.
    func remember(_ entry: Entry, for hash: [UInt8], ticket: Ticket) {
        state.withLock { state in
            guard state.listening, state.generation == ticket.generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = (entry, ticket.takenAt)
        }
    }

    /// Follows the listener: any notice or a lost connection forgets everything; `.listening` trusts anew.
    func apply(_ event: ListenEvent) {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
            switch event {
            case .listening: state.listening = true
            case .lost: state.listening = false
            case .notified: break
            }
        }
    }

    /// True between `.listening` and `.lost`: confirmed keys are being kept.
    var isLive: Bool { state.withLock { $0.listening } }
}
