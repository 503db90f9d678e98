import JSON
import Testing

/// Byte-level mutations of valid documents: the parser must never trap, and whatever it accepts must
/// survive a serialise/parse round trip unchanged.
struct JSONMutationTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = [
        #"{"a":[1,-2.5e3,true,null,"\u00e9\ud83d\ude00"],"b":{"c":"d\n"}}"#,
        #"[0,{"k":[[[]]]},"caf\#u{e9}",1e-7,false]"#,
    ]

    @Test(arguments: seeds)
    func mutatedDocumentsNeverTrap(_ seed: String) throws {
        var random = SplitMix(state: UInt64(seed.utf8.count))
        let original = Array(seed.utf8)
        var accepted = 0
        for _ in 0..<5000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = UInt8.random(in: .min ... .max, using: &random)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: .min ... .max, using: &random), at: position)
                }
                if bytes.isEmpty { break }
            }
            guard let value = try? JSONValue.parse(bytes) else { continue }
            accepted += 1
            #expect(try JSONValue.parse(value.serialized()) == value)
        }
        #expect(accepted > 0)
    }
}
