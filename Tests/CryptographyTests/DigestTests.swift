import Testing
@testable import Cryptography

struct DigestTests {
    /// FIPS 180 "abc" vectors.
    @Test(arguments: [
        (Digest.Algorithm.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ])
    func hashesAbc(algorithm: Digest.Algorithm, expected: String) {
        #expect(hex(Digest.hash(bytes("abc"), algorithm: algorithm)) == expected)
    }

    @Test func sha256OfEmptyInput() {
        #expect(hex(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(Digest.sha256(bytes("abc"))) == hex(Digest.hash(bytes("abc"), algorithm: .sha256)))
    }

    /// RFC 4231 test case 2 (and RFC 2202 case 2 for SHA-1): key "Jefe".
    @Test(arguments: [
        (Digest.Algorithm.sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (.sha256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.sha384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"),
        (.sha512, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
    ])
    func hmacKnownAnswer(algorithm: Digest.Algorithm, expected: String) {
        let mac = Digest.hmac(key: bytes("Jefe"), data: bytes("what do ya want for nothing?"), algorithm: algorithm)
        #expect(hex(mac) == expected)
    }

    @Test func namedHMACFunctionsMatchTheGenericOne() {
        let key = bytes("Jefe"), data = bytes("what do ya want for nothing?")
        #expect(Digest.hmacSHA1(key: key, data: data) == Digest.hmac(key: key, data: data, algorithm: .sha1))
        #expect(hex(Digest.hmacSHA256(key: key, data: data)) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digest.hmacSHA384(key: key, data: data) == Digest.hmac(key: key, data: data, algorithm: .sha384))
        #expect(Digest.hmacSHA512(key: key, data: data) == Digest.hmac(key: key, data: data, algorithm: .sha512))
    }

    @Test func hmacWithEmptyKeyAndData() {
        #expect(hex(Digest.hmacSHA256(key: [], data: [])) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func constantTimeEqual() {
        #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(Digest.constantTimeEqual([], []))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!Digest.constantTimeEqual([], [0]))
    }

    @Test func secureRandomGivesTheRequestedCountAndVaries() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        let first = SecureRandom.bytes(count: 32), second = SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
    }
}
