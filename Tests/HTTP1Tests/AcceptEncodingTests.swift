@testable import HTTP1
import Testing

/// RFC 9110 §12.5.3: which coding an answer goes out in, for each kind of `Accept-Encoding`.
@Suite struct AcceptEncodingTests {
    /// (field values, gzip quality, identity quality, coding for a body worth compressing, for a small one).
    static let table: [([String], Int, Int, ContentCoding, ContentCoding)] = [
        ([], 0, 1000, .identity, .identity),                                   // no field: no preference, identity
        ([""], 0, 1000, .identity, .identity),                                 // empty: no coding wanted
        (["gzip"], 1000, 1000, .gzip, .identity),
        (["GZIP"], 1000, 1000, .gzip, .identity),                              // codings are case-insensitive
        (["x-gzip"], 1000, 1000, .gzip, .identity),                            // RFC 9110 §8.4.1.3
        (["gzip, deflate, br"], 1000, 1000, .gzip, .identity),
        (["br", "gzip;q=0.5"], 500, 1000, .identity, .identity),               // identity preferred over gzip
        (["deflate, br"], 0, 1000, .identity, .identity),                      // gzip not listed, no `*`
        (["*"], 1000, 1000, .gzip, .identity),                                 // `*` covers gzip
        (["*;q=0.3"], 300, 1000, .identity, .identity),                        // identity is acceptable by default
        (["gzip;q=0"], 0, 1000, .identity, .identity),                         // gzip refused
        (["*, gzip;q=0"], 0, 1000, .identity, .identity),                      // a named coding beats `*`
        (["gzip;q=1.0, identity;q=0.5"], 1000, 500, .gzip, .identity),
        (["gzip;q=0.8, identity;q=0.8"], 800, 800, .gzip, .identity),          // a tie goes to the smaller answer
        (["gzip, identity;q=0"], 1000, 0, .gzip, .gzip),                       // identity refused: gzip even if small
        (["gzip;q=0.001, *;q=0"], 1, 0, .gzip, .gzip),                         // `*;q=0` refuses identity too
        (["*;q=0, identity"], 0, 1000, .identity, .identity),                  // ... unless named
        (["identity;q=0"], 0, 0, .identity, .identity),                        // nothing acceptable: identity anyway
        (["br;q=1, *;q=0"], 0, 0, .identity, .identity),
        (["gzip ; Q=0.5"], 500, 1000, .identity, .identity),                   // OWS and `Q` allowed
        (["gzip;q=0.5, gzip;q=0.9"], 900, 1000, .identity, .identity),         // repeated: the higher weight
        (["gzip;q=2"], 0, 1000, .identity, .identity),                         // bad qvalue: element ignored
        (["gzip;q=1.001"], 0, 1000, .identity, .identity),
        (["gzip;q=0.1234"], 0, 1000, .identity, .identity),                    // more than three decimals
        (["gzip;level=9"], 0, 1000, .identity, .identity),                     // no other parameter exists
        (["gzip;q="], 0, 1000, .identity, .identity),
        (["gz ip"], 0, 1000, .identity, .identity),                            // not a token
        (["deflate", "gzip;q=0.9"], 900, 1000, .identity, .identity),          // several fields are one list
        ([",, gzip ,"], 1000, 1000, .gzip, .identity),                         // empty list elements ignored
        (["gzip;q=1., identity;q=0."], 1000, 0, .gzip, .gzip),                 // "1." and "0." are valid qvalues
    ]

    @Test(arguments: table)
    func negotiates(values: [String], gzip: Int, identity: Int, large: ContentCoding, small: ContentCoding) {
        let accepted = AcceptEncoding.parse(values)
        #expect(accepted == AcceptEncoding(gzip: gzip, identity: identity), "\(values)")
        #expect(accepted.choose(worthCompressing: true) == large, "\(values)")
        #expect(accepted.choose(worthCompressing: false) == small, "\(values)")
    }

    @Test(arguments: [("0", 0), ("0.5", 500), ("0.05", 50), ("0.125", 125), ("1", 1000), ("1.000", 1000), ("0.", 0)])
    func readsQValues(text: String, thousandths: Int) {
        #expect(AcceptEncoding.parseQValue(Substring(text).utf8) == thousandths)
    }

    @Test(arguments: ["", "2", "1.5", ".5", "0.5a", "-0", "0,5", "0.0000"])
    func refusesBadQValues(text: String) {
        #expect(AcceptEncoding.parseQValue(Substring(text).utf8) == nil)
    }
}
