import JSON
import Testing

/// JSONTestSuite-style cases: `y_` must parse, `n_` must be rejected.
struct JSONParserTests {
    static let accepted: [(name: String, text: String, expected: JSONValue)] = [
        ("y_empty_object", "{}", [:]),
        ("y_empty_array", "[]", []),
        ("y_whitespace_around", " \t\r\n[1] \n", [1]),
        ("y_nested", #"{"a":[true,false,null,{"b":"c"}]}"#, ["a": [true, false, nil, ["b": "c"]]]),
        ("y_negative_zero", "-0", .number(-0.0)),
        ("y_fraction_exponent", "1.5e2", 150),
        ("y_capital_exponent_plus", "2E+1", 20),
        ("y_negative_exponent", "5e-1", .number(0.5)),
        ("y_underflow_to_zero", "1e-400", 0),
        ("y_escapes", #""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{c}\n\r\t"),
        ("y_unicode_escape", #""\u00e9\u4e2d""#, "é中"),
        ("y_surrogate_pair", #""\ud83d\ude00""#, "😀"),
        ("y_raw_utf8", "\"é中😀\"", "é中😀"),
        ("y_escaped_nul", #""\u0000""#, "\u{0}"),
        ("y_top_level_string", #""x""#, "x"),
        ("y_top_level_literal", "true", true),
        ("y_key_order_kept", #"{"b":1,"a":2}"#, .object(JSONObject([("b", 1), ("a", 2)]))),
    ]

    @Test(arguments: accepted)
    func acceptsValid(_ testCase: (name: String, text: String, expected: JSONValue)) throws {
        let value = try JSONValue.parse(Array(testCase.text.utf8))
        #expect(value == testCase.expected, "\(testCase.name)")
    }

    static let rejected: [(name: String, bytes: [UInt8])] = [
        ("n_empty", []),
        ("n_only_whitespace", Array(" ".utf8)),
        ("n_trailing_bytes", Array("[1] x".utf8)),
        ("n_two_values", Array("1 2".utf8)),
        ("n_trailing_comma_array", Array("[1,]".utf8)),
        ("n_trailing_comma_object", Array(#"{"a":1,}"#.utf8)),
        ("n_leading_zero", Array("012".utf8)),
        ("n_negative_leading_zero", Array("-01".utf8)),
        ("n_plus_sign", Array("+1".utf8)),
        ("n_dot_no_digits", Array("1.".utf8)),
        ("n_leading_dot", Array(".5".utf8)),
        ("n_exponent_no_digits", Array("1e".utf8)),
        ("n_hex_number", Array("0x10".utf8)),
        ("n_overflow", Array("1e400".utf8)),
        ("n_negative_overflow", Array("-1e400".utf8)),
        ("n_nan", Array("NaN".utf8)),
        ("n_infinity", Array("Infinity".utf8)),
        ("n_invalid_escape", Array(#""\x""#.utf8)),
        ("n_short_unicode_escape", Array(#""\u12""#.utf8)),
        ("n_lone_high_surrogate", Array(#""\ud800""#.utf8)),
        ("n_lone_low_surrogate", Array(#""\udc00""#.utf8)),
        ("n_high_then_nonsurrogate", Array(#""\ud800\u0041""#.utf8)),
        ("n_raw_newline_in_string", Array("\"a\nb\"".utf8)),
        ("n_raw_tab_in_string", Array("\"a\tb\"".utf8)),
        ("n_unterminated_string", Array(#""abc"#.utf8)),
        ("n_single_quotes", Array("['a']".utf8)),
        ("n_duplicate_key", Array(#"{"a":1,"a":2}"#.utf8)),
        ("n_unquoted_key", Array("{a:1}".utf8)),
        ("n_missing_colon", Array(#"{"a" 1}"#.utf8)),
        ("n_bad_literal", Array("tru".utf8)),
        ("n_capital_literal", Array("True".utf8)),
        ("n_comment", Array("[1 /* c */]".utf8)),
        ("n_invalid_utf8_lead", [0x22, 0xFF, 0x22]),
        ("n_overlong_utf8", [0x22, 0xC0, 0xAF, 0x22]),
        ("n_encoded_surrogate_utf8", [0x22, 0xED, 0xA0, 0x80, 0x22]),
        ("n_truncated_utf8", [0x22, 0xE4, 0xB8, 0x22]),
        ("n_above_max_scalar", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
        ("n_utf8_bom", [0xEF, 0xBB, 0xBF, 0x31]),
        ("n_unclosed_array", Array("[1".utf8)),
        ("n_unclosed_object", Array(#"{"a":1"#.utf8)),
    ]

    @Test(arguments: rejected)
    func rejectsInvalid(_ testCase: (name: String, bytes: [UInt8])) {
        #expect(throws: JSONParseError.self, "\(testCase.name)") { try JSONValue.parse(testCase.bytes) }
    }

    @Test func depthLimitIsEnforced() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(Array(ok.utf8)) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let objects = String(repeating: #"{"a":"#, count: 3) + "1" + String(repeating: "}", count: 3)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(objects.utf8), maxDepth: 2) }
    }

    /// Below 16 keys duplicates are found by a scan, from 16 by a set: both ways, at every position.
    @Test(arguments: [2, 15, 16, 17, 40]) func findsADuplicateKeyInObjectsOfAnySize(keys: Int) throws {
        let members = (0..<keys).map { #""k\#($0)":\#($0)"# }
        let distinct = "{" + members.joined(separator: ",") + "}"
        #expect(try JSONValue.parse(Array(distinct.utf8)).objectValue?.count == keys)
        for repeated in [0, keys / 2, keys - 1] {
            let duplicated = "{" + members.joined(separator: ",") + #","k\#(repeated)":0}"#
            #expect(throws: JSONParseError(offset: distinct.utf8.count, reason: "duplicate key")) {
                try JSONValue.parse(Array(duplicated.utf8))
            }
        }
    }

    @Test func errorReportsByteOffset() {
        #expect(throws: JSONParseError(offset: 7, reason: "duplicate key")) {
            try JSONValue.parse(Array(#"{"a":1,"a":2}"#.utf8))
        }
        #expect(throws: JSONParseError(offset: 4, reason: "trailing bytes after the value")) {
            try JSONValue.parse(Array("[1] x".utf8))
        }
    }
}
