@testable import Domain
import Testing

struct FormatsTests {
    @Test(arguments: [
        ("1h30m", 5400e9), ("300ms", 300e6), ("2.5s", 2.5e9), ("1h", 3600e9), ("0", 0), ("-1m", -60e9),
        ("1.5h", 5400e9), ("10us", 10e3), ("10µs", 10e3), ("7ns", 7), ("1m30s", 90e9), (".5s", 0.5e9),
    ])
    func parsesGoDurations(text: String, nanoseconds: Double) {
        #expect(Formats.goDurationNanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "90", "1d", "h", "1.2.3s", "1 h", "1hm", "+", "1H", "."])
    func rejectsBadDurations(_ text: String) {
        #expect(Formats.goDurationNanoseconds(text) == nil)
    }

    @Test(arguments: [("", [UInt8]()), ("aGVsbG8=", Array("hello".utf8)), ("aGk=", Array("hi".utf8)), ("YWJj", Array("abc".utf8)),
        ("+/8=", [0xFB, 0xFF])])
    func decodesBase64(text: String, bytes: [UInt8]) {
        #expect(Formats.base64Decoded(text) == bytes)
    }

    @Test(arguments: ["abc", "aGk", "a===", "aG=k", "aGk=aGk=", "aGl=", "aGVsbG8-", " aGk="])
    func rejectsBadBase64(_ text: String) {
        #expect(Formats.base64Decoded(text) == nil)
    }

    @Test(arguments: [
        ("https://a.example", true), ("http://a.example:8080/x?y#z", true), ("HTTPS://A.EXAMPLE/", true),
        ("https://user@a.example", true), ("ftp://a.example", false), ("https://", false), ("https:///x", false),
        ("//a.example", false), ("https://a example", false), ("a.example", false), ("https://:80", false),
    ])
    func checksAbsoluteHTTPURLs(text: String, valid: Bool) {
        #expect(Formats.isAbsoluteHTTPURL(text) == valid)
    }

    @Test func pemBlocksAreParsed() {
        #expect(PEM.certificateProblem(Fixtures.certificatePEM + Fixtures.certificatePEM) == nil)
        #expect(PEM.certificateProblem(Fixtures.keyPEM) == "must contain only CERTIFICATE blocks")
        #expect(PEM.certificateProblem("junk\n" + Fixtures.certificatePEM) == "must be PEM-encoded")
        #expect(PEM.certificateProblem("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----") == "must be PEM-encoded")
        #expect(PEM.certificateProblem("-----BEGIN CERTIFICATE-----\nTUlJ\n") == "must be PEM-encoded")
        #expect(PEM.privateKeyProblem(Fixtures.keyPEM.replacingCRLF()) == nil)
        #expect(PEM.privateKeyProblem(Fixtures.keyPEM + Fixtures.keyPEM) == "must be a single unencrypted PRIVATE KEY block")
    }
}

extension String {
    func replacingCRLF() -> String { split(separator: "\n").joined(separator: "\r\n") }
}
