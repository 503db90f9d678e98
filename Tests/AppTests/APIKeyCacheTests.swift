@testable import App
import Postgres
import Testing

/// The cache's rules, without a database: trusted only while listening, and never keeps an answer read before a
/// change notice.
struct APIKeyCacheTests {
    let hash: [UInt8] = Array(repeating: 7, count: 32)
    let entry = APIKeyCache.Entry(keyID: "key", organisationID: "org")

    @Test func keepsNothingUntilListening() throws {
        let cache = APIKeyCache()
        #expect(cache.ticket() == nil)
        cache.apply(.listening)
        let ticket = try #require(cache.ticket())
        cache.remember(entry, for: hash, ticket: ticket)
        #expect(cache.entry(for: hash) == entry)
    }

    @Test func anAnswerReadBeforeAChangeIsNotKept() throws {
        let cache = APIKeyCache()
        cache.apply(.listening)
        let ticket = try #require(cache.ticket())
        cache.apply(.notified(payload: ""))  // e.g. this very key revoked while its lookup ran
        cache.remember(entry, for: hash, ticket: ticket)
        #expect(cache.entry(for: hash) == nil)
    }

    @Test func everyChangeAndALostListenerForgetAll() throws {
        let cache = APIKeyCache()
        cache.apply(.listening)
        cache.remember(entry, for: hash, ticket: try #require(cache.ticket()))
        cache.apply(.notified(payload: ""))
        #expect(cache.entry(for: hash) == nil)

        cache.remember(entry, for: hash, ticket: try #require(cache.ticket()))
        cache.apply(.lost)
        #expect(cache.entry(for: hash) == nil)
        #expect(cache.ticket() == nil)
        #expect(!cache.isLive)
    }

    @Test func startsAfreshWhenFull() throws {
        let cache = APIKeyCache(capacity: 2)
        cache.apply(.listening)
        for byte: UInt8 in 1...3 {
            cache.remember(entry, for: [byte], ticket: try #require(cache.ticket()))
        }
        #expect(cache.entry(for: [1]) == nil && cache.entry(for: [2]) == nil)
        #expect(cache.entry(for: [3]) == entry)
    }

    @Test func entriesOlderThanMaxAgeAreLookedUpAgain() throws {
        let cache = APIKeyCache(maxAge: .seconds(60))
        cache.apply(.listening)
        cache.remember(entry, for: hash, ticket: try #require(cache.ticket()))
        #expect(cache.entry(for: hash, now: .now + .seconds(59)) == entry)
        #expect(cache.entry(for: hash, now: .now + .seconds(61)) == nil)
    }

    @Test func aZeroMaxAgeKeepsNothing() {
        let cache = APIKeyCache(maxAge: .zero)
        cache.apply(.listening)
        #expect(cache.ticket() == nil)
    }
}
