/// What a request's `Accept-Encoding` says about the two content codings this server can send, gzip and identity
/// (RFC 9110 §12.5.3). Pure: field values in, qualities out.
///
/// Qualities are thousandths (`q=0.5` is 500). A coding the field names has its own weight; one it does not name
/// takes `*`'s. gzip not named and no `*` is not acceptable; identity is acceptable unless `identity;q=0`, or
/// `*;q=0` with no entry of its own, refuses it. `x-gzip` counts as gzip (RFC 9110 §8.4.1.3). An element that does
/// not parse (a bad qvalue, a parameter other than `q`) is ignored, as if absent.
public struct AcceptEncoding: Sendable, Equatable {
    public var gzip: Int
    public var identity: Int

    public init(gzip: Int, identity: Int) {
        self.gzip = gzip
        self.identity = identity
    }

    /// No field at all: the client has no preference, and identity is the safe answer (RFC 9110 §12.5.3).
    public static let absent = AcceptEncoding(gzip: 0, identity: 1000)

    /// The coding to send: gzip when the client takes it at least as gladly as identity (ties go to the smaller
    /// answer) and the body is worth compressing, or when identity is refused and gzip is acceptable. Otherwise
    /// identity, also when the client refuses both: the server then disregards the field rather than answer 406
    /// (RFC 9110 §12.1 allows either), so an error body stays readable.
    public func choose(worthCompressing: Bool) -> ContentCoding {
        guard gzip > 0 else { return .identity }
        if identity == 0 { return .gzip }
        return worthCompressing && gzip >= identity ? .gzip : .identity
    }

    /// Reads every `Accept-Encoding` field of a request (several fields are one comma-separated list).
    public static func parse(_ values: [String]) -> AcceptEncoding {
        guard !values.isEmpty else { return .absent }
        var gzip: Int?
        var identity: Int?
        var star: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: true) {
                guard let (coding, quality) = parseElement(element) else { continue }
                if coding.equalsIgnoringASCIICase("gzip") || coding.equalsIgnoringASCIICase("x-gzip") {
                    gzip = max(gzip ?? 0, quality)
                } else if coding.equalsIgnoringASCIICase("identity") {
                    identity = quality
                } else if coding == "*" {
                    star = quality
                }
            }
        }
        return AcceptEncoding(gzip: gzip ?? star ?? 0, identity: identity ?? star.map { $0 == 0 ? 0 : 1000 } ?? 1000)
    }

    /// `codings [ OWS ";" OWS "q=" qvalue ]`; nil when the element is malformed or empty.
    static func parseElement(_ element: Substring) -> (coding: Substring, quality: Int)? {
        let parts = element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let coding = parts[0].trimmingOWS()
        guard !coding.isEmpty, coding.utf8.allSatisfy(ASCII.isTokenByte) else { return nil }
        guard parts.count == 2 else { return (coding, 1000) }
        let weight = parts[1].trimmingOWS()
        guard weight.utf8.count >= 3, weight.utf8.prefix(2).map(ASCII.lower) == Array("q=".utf8),
              let quality = parseQValue(weight.utf8.dropFirst(2)) else { return nil }
        return (coding, quality)
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
    static func parseQValue(_ bytes: Substring.UTF8View.SubSequence) -> Int? {
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        let rest = bytes.dropFirst()
        guard !rest.isEmpty else { return first == UInt8(ascii: "1") ? 1000 : 0 }
        guard rest.first == UInt8(ascii: "."), rest.count <= 4 else { return nil }
        let digits = rest.dropFirst()
        guard digits.allSatisfy(ASCII.isDigit) else { return nil }
        var thousandths = 0
        for (index, digit) in digits.enumerated() {
            thousandths += Int(digit - UInt8(ascii: "0")) * [100, 10, 1][index]
        }
        if first == UInt8(ascii: "1") { return thousandths == 0 ? 1000 : nil }
        return thousandths
    }
}

/// The content codings this server produces and accepts.
public enum ContentCoding: String, Sendable {
    case gzip
    case identity
}
