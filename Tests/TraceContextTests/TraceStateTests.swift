import Testing
@testable import TraceContext

/// `tracestate` against W3C Trace Context Level 1 §3.3: passed on exactly as received when it keeps the grammar
/// and the limits (512 characters, 32 members, no repeated key), dropped whole otherwise.
@Suite struct TraceStateTests {
    @Test(arguments: [
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE",
        "congo=t61rcWkgMzE",
        "a=1,,b=2",
        " ,a=1, ",
        "",
        "fw529a3039@dt=1",
        "1tenant@system=x",
        "a_b-c*d/e=v",
        "k=value with spaces",
        "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
    ])
    func passesOnUntouched(_ value: String) {
        #expect(TraceState.accepted(value) == value)
    }

    @Test(arguments: [
        "Rojo=1",  // uppercase key
        "1a=1",  // a simple key starts with a letter
        "@system=1",
        "tenant@=1",
        "tenant@1system=1",  // a system id starts with a letter
        "tenant@abcdefghijklmno=1",  // a system id has at most 14 characters
        "a@b@c=1",
        "k=",  // a value has at least one character
        "k",
        "=v",
        "k=a=b",
        "k=\u{7F}",
        "k=caf\u{E9}",
        "k.x=1",
        "a=1,a=2",  // repeated key
        "a=1, b=2,a=3",
    ])
    func dropsWhatBreaksTheGrammar(_ value: String) {
        #expect(TraceState.accepted(value) == nil, "\(value)")
    }

    @Test func keysAndValuesUpToTheirLengthLimits() {
        let longKey = "k" + String(repeating: "x", count: 255)
        #expect(TraceState.accepted("\(longKey)=1") != nil)
        #expect(TraceState.accepted("\(longKey)x=1") == nil)
        #expect(TraceState.accepted("t@s=" + String(repeating: "v", count: 256)) != nil)
        #expect(TraceState.accepted("t@s=" + String(repeating: "v", count: 257)) == nil)
        let tenant = String(repeating: "t", count: 241)
        #expect(TraceState.accepted("\(tenant)@s=1") != nil)
        #expect(TraceState.accepted("\(tenant)t@s=1") == nil)
    }

    @Test func atMostThirtyTwoMembers() {
        let members = (0..<33).map { "k\($0)=v" }
        #expect(TraceState.accepted(members.prefix(32).joined(separator: ",")) != nil)
        #expect(TraceState.accepted(members.joined(separator: ",")) == nil)
        // Empty members do not count.
        #expect(TraceState.accepted(members.prefix(32).joined(separator: ",") + ",,") != nil)
    }

    @Test func atMostFiveHundredTwelveCharacters() {
        let exact = "k=" + String(repeating: "v", count: 254) + ",j=" + String(repeating: "w", count: 253)
        #expect(exact.utf8.count == 512)
        #expect(TraceState.accepted(exact) == exact)
        #expect(TraceState.accepted(exact + "w") == nil)
    }
}
