import JSON
import Testing

struct JSONWriterTests {
    static let cases: [(value: JSONValue, text: String)] = [
        (20, "20"),
        (.number(-3), "-3"),
        (.number(-0.0), "0"),
        (.number(0.5), "0.5"),
        (.number(1e300), "1e+300"),
        (.number(9_007_199_254_740_992), "9007199254740992"),
        (.number(.infinity), "null"),
        (.number(.nan), "null"),
        ("a\"b\\c\n\r\t\u{1}/é", #""a\"b\\c\n\r\t\u0001/é""#),
        ([1, "x", nil, true, false], #"[1,"x",null,true,false]"#),
        (.object(JSONObject([("z", 1), ("a", [:]), ("m", [])])), #"{"z":1,"a":{},"m":[]}"#),
    ]

    @Test(arguments: cases)
    func serialisesCompactly(_ testCase: (value: JSONValue, text: String)) {
        #expect(String(decoding: testCase.value.serialized(), as: UTF8.self) == testCase.text)
    }

    @Test func prettyPrintsWithTwoSpaces() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        let expected = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}"
        #expect(String(decoding: value.prettySerialized(), as: UTF8.self) == expected)
    }

    /// The writer appends indentation from a table prepared for 16 levels; deeper values take a second path.
    @Test(arguments: [1, 15, 16, 17, 40])
    func prettyPrintsAtAnyDepth(_ depth: Int) {
        var value: JSONValue = [1]
        for _ in 1..<depth { value = ["k": value] }
        // The expected text, built level by level: level n's members are indented by 2 × n spaces.
        func expected(_ level: Int) -> String {
            let inner = String(repeating: "  ", count: level + 1), outer = String(repeating: "  ", count: level)
            if level == depth - 1 { return "[\n\(inner)1\n\(outer)]" }
            return "{\n\(inner)\"k\": \(expected(level + 1))\n\(outer)}"
        }
        #expect(String(decoding: value.prettySerialized(), as: UTF8.self) == expected(0))
    }

    /// Strings are checked for bytes to escape eight at a time; put each such byte at every offset of strings
    /// around the word size, beside neighbours that must stay as they are.
    @Test func escapesAtEveryOffsetOfAWord() {
        let escapes: [(Character, String)] = [("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("\u{1f}", #"\u001f"#)]
        for length in 1...19 {
            for offset in 0..<length {
                for (character, escaped) in escapes {
                    let before = String(repeating: "!", count: offset), after = String(repeating: "é", count: length - offset - 1)
                    let text = String(decoding: JSONValue.string(before + String(character) + after).serialized(), as: UTF8.self)
                    #expect(text == "\"" + before + escaped + after + "\"")
                }
            }
        }
        let plain = " !#[]~\u{7f}é😀 0123456789abcdef"
        #expect(String(decoding: JSONValue.string(plain).serialized(), as: UTF8.self) == "\"" + plain + "\"")
    }

    static let roundTrips: [String] = [
        #"{"name":"x","list":[1,2.25,-7,1e-7,true,null],"nested":{"k":"\u0000\"😀"}}"#,
        #"[[],{},"",0,-1,123456789012]"#,
        #""\u001f control""#,
    ]

    @Test(arguments: roundTrips)
    func roundTripsThroughParser(_ text: String) throws {
        let value = try JSONValue.parse(Array(text.utf8))
        let again = try JSONValue.parse(value.serialized())
        #expect(again == value)
        #expect(try JSONValue.parse(value.prettySerialized()) == value)
    }

    @Test func objectSubscriptReplacesAppendsAndRemoves() {
        var object = JSONObject([("a", 1), ("b", 2)])
        object["a"] = 3
        object["c"] = 4
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["a"] == 3)
    }
}
