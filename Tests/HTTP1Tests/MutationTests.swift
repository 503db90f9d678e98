import HTTP1
import Testing

/// A poor man's fuzzer: mutate every valid fixture many times (flip, insert, delete bytes) and check the
/// parser only ever answers needMoreData, a head, or a typed error, and never consumes past its input.
@Suite struct MutationTests {
    struct SplitMix {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test func survivesRandomMutations() {
        var random = SplitMix(state: 42)
        let interesting: [UInt8] = Array("\r\n :;,\t0fF-\u{0}\u{7f}".utf8) + [0xFF, 0x80]
        for fixture in validFixtures {
            for _ in 0..<300 {
                var bytes = Array(fixture.raw.utf8)
                for _ in 0..<(1 + random.next(3)) {
                    let position = random.next(bytes.count)
                    let byte = random.next(2) == 0 ? interesting[random.next(interesting.count)] : UInt8(random.next(256))
                    switch random.next(3) {
                    case 0: bytes[position] = byte
                    case 1: bytes.insert(byte, at: position)
                    default: if bytes.count > 1 { bytes.remove(at: position) }
                    }
                }
                if case .request(_, _, let consumed) = parseRequest([bytes]) {
                    #expect(consumed <= bytes.count)
                }
            }
        }
    }
}
