/// Turns the located lines of a complete head into a validated `RequestHead`.
struct HeadBuilder {
    let buffer: UnsafeRawBufferPointer
    let limits: ParserLimits

    func build(requestLine: Range<Int>, fields: Range<Int>) throws(HTTPParseError) -> RequestHead {
        let (method, target, version) = try parseRequestLine(requestLine)
        let headers = try parseFields(fields)
        let hosts = headers.occurrences(of: "host")
        if hosts.count > 1 { throw .duplicateHost }
        if hosts.count == 0 && version == .http1_1 { throw .missingHost }
        if var host = hosts.first, !host.withUTF8({ $0.allSatisfy(Self.isHostByte) }) { throw .invalidHeaderValue }
        var expectsContinue = false
        if version == .http1_1, let expectation = headers["expect"] {
            // RFC 9110 §10.1.1: 100-continue is the only expectation defined; HTTP/1.0 ignores Expect.
            guard expectation.trimmingOWS().equalsIgnoringASCIICase("100-continue") else {
                throw .unsupportedExpectation
            }
            expectsContinue = true
        }
        return RequestHead(
            method: method, target: target, version: version, headers: headers, expectsContinue: expectsContinue)
    }

    private func parseRequestLine(_ line: Range<Int>) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenByte(buffer[index]) { index += 1 }
        guard index > line.lowerBound else { throw .invalidMethod }
        guard index < line.upperBound, buffer[index] == ASCII.space else {
            throw index < line.upperBound && buffer[index] != ASCII.space ? .invalidMethod : .malformedRequestLine
        }
        let method = HTTPMethod.parse(UnsafeRawBufferPointer(rebasing: buffer[line.lowerBound..<index]))
        let targetStart = index + 1
        index = targetStart
        while index < line.upperBound, ASCII.isTargetByte(buffer[index]) { index += 1 }
        guard index > targetStart, index < line.upperBound, buffer[index] == ASCII.space else {
            throw index < line.upperBound && buffer[index] != ASCII.space ? .invalidTarget : .malformedRequestLine
        }
        let target = try normalisedTarget(string(targetStart..<index), method: method)
        let version = try parseVersion((index + 1)..<line.upperBound)
        return (method, target, version)
    }

    /// Origin-form is kept; `*` only for OPTIONS; absolute-form (§3.2.2) is reduced to path and query.
    private func normalisedTarget(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> String {
        if target.utf8.first == UInt8(ascii: "/") { return target }
        if target == "*" && method == .OPTIONS { return target }
        for scheme in ["http://", "https://"] where target.utf8.count > scheme.utf8.count
            && target.prefix(scheme.count).equalsIgnoringASCIICase(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let path = String(rest[slash...])
            return path.utf8.first == UInt8(ascii: "?") ? "/" + path : path
        }
        throw .invalidTarget
    }

    private func parseVersion(_ range: Range<Int>) throws(HTTPParseError) -> HTTPVersion {
        guard range.count == 8,
              buffer[range.lowerBound] == UInt8(ascii: "H"), buffer[range.lowerBound + 1] == UInt8(ascii: "T"),
              buffer[range.lowerBound + 2] == UInt8(ascii: "T"), buffer[range.lowerBound + 3] == UInt8(ascii: "P"),
              buffer[range.lowerBound + 4] == UInt8(ascii: "/"),
              ASCII.isDigit(buffer[range.lowerBound + 5]), buffer[range.lowerBound + 6] == UInt8(ascii: "."),
              ASCII.isDigit(buffer[range.lowerBound + 7])
        else { throw .malformedVersion }
        let version = HTTPVersion(
            major: Int(buffer[range.lowerBound + 5] &- 48), minor: Int(buffer[range.lowerBound + 7] &- 48))
        // RFC 9110 §2.5: a higher minor version within major 1 is processed as the highest we implement.
        if version.major == 1 && version.minor > 1 { return .http1_1 }
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        return version
    }

    private func parseFields(_ range: Range<Int>) throws(HTTPParseError) -> HeaderFields {
        var fields: [HeaderFields.Element] = []
        fields.reserveCapacity(HeaderFields.typicalCount)
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            var lf = lineStart
            while buffer[lf] != ASCII.lf { lf += 1 }  // the scanner guaranteed each line ends in CRLF
            fields.append(try parseField(lineStart..<(lf - 1)))
            lineStart = lf + 1
        }
        return HeaderFields(fields)
    }

    private func parseField(_ line: Range<Int>) throws(HTTPParseError) -> HeaderFields.Element {
        let first = buffer[line.lowerBound]
        if first == ASCII.space || first == ASCII.tab { throw .obsoleteLineFolding }
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenByte(buffer[index]) { index += 1 }
        guard index < line.upperBound else { throw .invalidHeaderName }
        switch buffer[index] {
        case ASCII.colon where index > line.lowerBound: break
        case ASCII.space, ASCII.tab: throw .whitespaceBeforeColon
        case ASCII.cr: throw .bareCR
        default: throw .invalidHeaderName
        }
        let name = string(line.lowerBound..<index)
        var valueStart = index + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, buffer[valueStart] == ASCII.space || buffer[valueStart] == ASCII.tab {
            valueStart += 1
        }
        while valueEnd > valueStart, buffer[valueEnd - 1] == ASCII.space || buffer[valueEnd - 1] == ASCII.tab {
            valueEnd -= 1
        }
        for position in valueStart..<valueEnd where !ASCII.isFieldValueByte(buffer[position]) {
            throw buffer[position] == ASCII.cr ? .bareCR : .invalidHeaderValue
        }
        return (name: name, value: string(valueStart..<valueEnd))
    }

    /// RFC 9112 §3.2: an invalid Host is 400. uri-host [":" port] uses only unreserved, pct-encoded, sub-delims,
    /// ":" and the brackets of an IP-literal; this refuses spaces, "@" (userinfo), "/", "?", "#" and non-ASCII.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            true
        default:
            false
        }
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }
}
