import HTTPServer
import Testing

/// The zlib wrapper: round trips, the inflated-size limit (bombs), and truncated or corrupt input.
@Suite struct GzipTests {
    static let json = Array(String(repeating: #"{"id":"01HZX","name":"connection","variables":{}},"#, count: 400).utf8)

    @Test(arguments: [0, 1, 1023, 1024, 100_000])
    func roundTrips(size: Int) throws {
        let input = Array(Self.json.prefix(size)) + [UInt8](repeating: 7, count: max(0, size - Self.json.count))
        for level: Int32 in [1, 9] {
            let compressed = Gzip.compress(input, level: level)
            #expect(compressed.prefix(2) == [0x1F, 0x8B])  // the gzip magic, not zlib's wrapper
            #expect(try Gzip.decompress(compressed, limit: input.count) == input)
        }
    }

    @Test func compressesRepetitiveJSONSeveralTimesOver() {
        #expect(Gzip.compress(Self.json, level: 1).count * 5 < Self.json.count)
    }

    @Test func aBodyOneBytePastTheLimitIsTooLarge() throws {
        let compressed = Gzip.compress(Self.json, level: 1)
        #expect(try Gzip.decompress(compressed, limit: Self.json.count) == Self.json)
        #expect(throws: GzipError.tooLarge(limit: Self.json.count - 1)) {
            try Gzip.decompress(compressed, limit: Self.json.count - 1)
        }
    }

    /// 10 MB of zeros gzip to ~10 KB; inflating stops one byte past the limit instead of making 10 MB.
    @Test func aBombStopsAtTheLimit() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 10_000_000), level: 9)
        #expect(bomb.count < 12_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: GzipError.tooLarge(limit: 65_536)) { try Gzip.decompress(bomb, limit: 65_536) }
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func truncatedInputIsTruncated() {
        let compressed = Gzip.compress(Self.json, level: 1)
        for cut in [1, 10, compressed.count / 2, compressed.count - 1] {
            #expect(throws: GzipError.truncated, "cut at \(cut)") {
                try Gzip.decompress(Array(compressed.prefix(cut)), limit: 1 << 20)
            }
        }
        #expect(throws: GzipError.truncated) { try Gzip.decompress([], limit: 1 << 20) }
    }

    @Test func corruptInputIsCorrupt() {
        var compressed = Gzip.compress(Self.json, level: 1)
        compressed[compressed.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        #expect(throwsCorrupt { try Gzip.decompress(compressed, limit: 1 << 20) })
        #expect(throwsCorrupt { try Gzip.decompress(Self.json, limit: 1 << 20) })  // not gzip at all
        // zlib's own wrapper (deflate with an Adler-32 trailer) is not gzip either.
        #expect(throwsCorrupt { try Gzip.decompress([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], limit: 100) })
        // Bytes after the last member that are not another member.
        #expect(throwsCorrupt { try Gzip.decompress(Gzip.compress(Self.json, level: 1) + [0, 0], limit: 1 << 20) })
    }

    @Test func membersOneAfterAnotherAreOneBody() throws {
        let two = Gzip.compress(Array("ab".utf8), level: 1) + Gzip.compress(Array("cd".utf8), level: 1)
        #expect(try Gzip.decompress(two, limit: 4) == Array("abcd".utf8))
        #expect(throws: GzipError.tooLarge(limit: 3)) { try Gzip.decompress(two, limit: 3) }
    }

    private func throwsCorrupt(_ body: () throws -> [UInt8]) -> Bool {
        do {
            _ = try body()
            return false
        } catch {
            if case .corrupt? = error as? GzipError { return true }
            return false
        }
    }
}
