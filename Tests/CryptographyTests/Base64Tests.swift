import Testing
@testable import Cryptography

struct Base64Tests {
    /// RFC 4648 §10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(bytes(plain)) == encoded)
        #expect(Base64.decode(encoded) == bytes(plain))
        let unpadded = String(encoded.filter { $0 != "=" })
        #expect(Base64.encodeURL(bytes(plain)) == unpadded)
        #expect(Base64.decodeURL(unpadded) == bytes(plain))
    }

    @Test func urlAlphabetReplacesPlusAndSlash() {
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
        #expect(Base64.decodeURL("-_8") == [0xFB, 0xFF])
        #expect(Base64.decode("+/8=") == [0xFB, 0xFF])
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zg===", "Z===", "====", "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v\r\n", "Zm9v====", "Zg==Zg==",
        "Zm=v", "Zh==", "Zm9=", "-_8=", "Zm9vé", "Zm9v\0",
    ])
    func strictDecodingRejects(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(arguments: ["Zg==", "Zm8=", "+/8", "Z", "Zh", "Zm9", "Zm9v Yg", "Zm9v\n"])
    func urlDecodingRejects(text: String) {
        // "Zm9" has non-zero pad bits (canonical is "Zm8"); padding and the standard alphabet are refused.
        #expect(Base64.decodeURL(text) == nil)
    }

    @Test func roundTripsEveryLengthUpTo100() {
        for length in 0...100 {
            let data = SecureRandom.bytes(count: length)
            #expect(Base64.decode(Base64.encode(data)) == data)
            #expect(Base64.decodeURL(Base64.encodeURL(data)) == data)
        }
    }
}
