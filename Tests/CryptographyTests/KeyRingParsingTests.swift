import Testing
@testable import Cryptography

struct KeyRingParsingTests {
    static let key1 = Base64.encode([UInt8](repeating: 0x11, count: 32))
    static let key2 = Base64.encode([UInt8](repeating: 0x22, count: 32))

    @Test func firstVersionEncryptsAndAllAreListedInOrder() throws {
        let ring = try KeyRing(parsing: "v2:\(Self.key2),v1:\(Self.key1)")
        #expect(ring.currentVersion == "v2")
        #expect(ring.versions == ["v2", "v1"])
    }

    @Test func toleratesSpacesAroundEntries() throws {
        let ring = try KeyRing(parsing: " v2:\(Self.key2) , v1:\(Self.key1) ")
        #expect(ring.versions == ["v2", "v1"])
    }

    @Test func descriptionListsVersionsOnly() throws {
        let ring = try KeyRing(parsing: "v2:\(Self.key2),v1:\(Self.key1)")
        #expect(ring.description == #"KeyRing(versions: ["v2", "v1"])"#)
        var dumped = ""
        dump(ring, to: &dumped)
        for text in [String(describing: ring), String(reflecting: ring), dumped, "\(ring)"] {
            #expect(!text.contains(Self.key1) && !text.contains(Self.key2))
            #expect(!text.contains("17, 17") && !text.contains("34, 34"))  // raw key bytes
        }
    }

    @Test(arguments: [
        ("v1:KEY,v1:KEY2", #"duplicate version "v1""#),
        ("v1:SHORT", #"key of version "v1" is 16 bytes, expected 32"#),
        ("v1:LONG", #"key of version "v1" is 33 bytes, expected 32"#),
        ("v1:KEY ", nil),
        ("v1:BAD", #"key of version "v1" is not valid Base64"#),
        ("KEY", "entry 1 is not of the form version:base64key"),
        ("v2:KEY2,KEY", "entry 2 is not of the form version:base64key"),
        ("v1:KEY,", "entry 2 is not of the form version:base64key"),
        ("", "entry 1 is not of the form version:base64key"),
        (":KEY", "entry 1 has an invalid version (1-32 of A-Z a-z 0-9 _ -)"),
        ("v 1:KEY", "entry 1 has an invalid version (1-32 of A-Z a-z 0-9 _ -)"),
        ("v.1:KEY", "entry 1 has an invalid version (1-32 of A-Z a-z 0-9 _ -)"),
        ("\(String(repeating: "v", count: 33)):KEY", "entry 1 has an invalid version (1-32 of A-Z a-z 0-9 _ -)"),
    ] as [(String, String?)])
    func rejectsBadSpecificationsWithoutEchoingKeys(template: String, message: String?) {
        let short = Base64.encode([UInt8](repeating: 0x33, count: 16))
        let long = Base64.encode([UInt8](repeating: 0x44, count: 33))
        let bad = "\(Self.key1.dropLast(4))!!!="  // a key with one damaged group
        let specification = template
            .replacing("KEY2", with: Self.key2).replacing("KEY", with: Self.key1)
            .replacing("SHORT", with: short).replacing("LONG", with: long).replacing("BAD", with: bad)
        let error = cryptoError { () throws(CryptoError) in try KeyRing(parsing: specification) }
        guard let message else {
            #expect(error == nil, "trailing spaces are trimmed")
            return
        }
        #expect(error == .invalidKeyRing(message))
        let described = error.map { "\($0) \(String(reflecting: $0))" } ?? ""
        for secret in [Self.key1, Self.key2, short, long, bad] {
            #expect(!described.contains(secret))
        }
    }

    @Test func generatedSpecificationParsesToARandomKey() throws {
        let first = KeyRing.generateKeySpecification(version: "2026-11")
        let second = KeyRing.generateKeySpecification(version: "2026-11")
        #expect(first != second)
        #expect(first.hasPrefix("2026-11:"))
        let ring = try KeyRing(parsing: "\(first),old:\(Self.key1)")
        #expect(ring.versions == ["2026-11", "old"])
    }

    @Test func versionValidation() {
        #expect(KeyRing.isValidVersion("v1"))
        #expect(KeyRing.isValidVersion("A_z-09"))
        #expect(KeyRing.isValidVersion(String(repeating: "x", count: 32)))
        #expect(!KeyRing.isValidVersion(""))
        #expect(!KeyRing.isValidVersion(String(repeating: "x", count: 33)))
        #expect(!KeyRing.isValidVersion("vé"))
        #expect(!KeyRing.isValidVersion("v:1"))
    }
}
