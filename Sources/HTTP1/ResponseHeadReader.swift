/// Parses a response's status line and header section (RFC 9112 §4, §5) once it is wholly buffered.
/// Strict: lines end in CRLF, no obsolete line folding, no whitespace before the colon, no control bytes.
enum ResponseHeadReader {
    /// The head and the bytes it used, or nil while the blank line that ends it has not arrived yet.
    static func read(_ buffer: [UInt8], limits: ParserLimits) throws(ResponseParseError) -> (ResponseHead, Int)? {
        // Over the array's storage: every step of the scan is then a plain load, not an indexed, retained slice.
        try buffer.withUnsafeBufferPointer { (bytes) throws(ResponseParseError) in try read(bytes, limits: limits) }
    }

    private typealias Bytes = UnsafeBufferPointer<UInt8>

    private static func read(_ buffer: Bytes, limits: ParserLimits) throws(ResponseParseError) -> (ResponseHead, Int)? {
        guard let statusEnd = lineEnd(in: buffer, from: 0) else {
            guard buffer.count <= limits.maxRequestLineBytes else { throw .statusLineTooLong }
            return nil
        }
        guard statusEnd <= limits.maxRequestLineBytes else { throw .statusLineTooLong }
        let (version, status) = try statusLine(buffer[0..<statusEnd])
        var headers = HeaderFields()
        headers.reserveCapacity(HeaderFields.typicalCount)
        var start = statusEnd + 2
        while true {
            guard let end = lineEnd(in: buffer, from: start) else {
                guard buffer.count - statusEnd <= limits.maxHeaderBytes else { throw .headerSectionTooLarge }
                return nil
            }
            guard end - statusEnd <= limits.maxHeaderBytes else { throw .headerSectionTooLarge }
            if end == start { return (ResponseHead(version: version, status: status, headers: headers), end + 2) }
            guard headers.count < limits.maxHeaderCount else { throw .tooManyHeaderFields }
            let (name, value) = try field(buffer[start..<end])
            headers.add(name: name, value: value)
            start = end + 2
        }
    }

    /// Index of the CR of the next CRLF at or after `start`.
    private static func lineEnd(in buffer: Bytes, from start: Int) -> Int? {
        var index = start
        while index + 1 < buffer.count {
            if buffer[index] == ASCII.cr, buffer[index + 1] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }

    /// `HTTP/1.x SP 3DIGIT SP reason`; the reason may be empty and its space may be missing.
    private static func statusLine(_ bytes: Slice<Bytes>) throws(ResponseParseError) -> (HTTPVersion, HTTPStatus) {
        let start = bytes.startIndex
        guard bytes.count >= 12, bytes.starts(with: "HTTP/".utf8),
              ASCII.isDigit(bytes[start + 5]), bytes[start + 6] == UInt8(ascii: "."), ASCII.isDigit(bytes[start + 7]),
              bytes[start + 8] == ASCII.space
        else { throw .malformedStatusLine }
        guard bytes[start + 5] == UInt8(ascii: "1") else { throw .unsupportedVersion }
        let digits = bytes[(start + 9)..<(start + 12)]
        guard digits.allSatisfy(ASCII.isDigit), bytes.count == 12 || bytes[start + 12] == ASCII.space else {
            throw .malformedStatusLine
        }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard code >= 100 else { throw .malformedStatusLine }
        let reason = bytes[min(start + 13, bytes.endIndex)...]
        guard reason.allSatisfy(ASCII.isFieldValueByte) else { throw .malformedStatusLine }
        let version = HTTPVersion(major: 1, minor: Int(bytes[start + 7] - UInt8(ascii: "0")))
        return (version, HTTPStatus(code: code, reasonPhrase: String(decoding: reason, as: UTF8.self)))
    }

    private static func field(_ line: Slice<Bytes>) throws(ResponseParseError) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[line.startIndex..<colon].allSatisfy(ASCII.isTokenByte)
        else { throw .malformedHeaderField }
        var value = line[(colon + 1)...]
        while let first = value.first, first == ASCII.space || first == ASCII.tab { value = value.dropFirst() }
        while let last = value.last, last == ASCII.space || last == ASCII.tab { value = value.dropLast() }
        guard value.allSatisfy(ASCII.isFieldValueByte) else { throw .malformedHeaderField }
        return (String(decoding: line[line.startIndex..<colon], as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

}
