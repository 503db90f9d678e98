/// Writes a response head. The body is kept separate so the server can hand both to one writev call.
public enum ResponseSerializer {
    /// The interim answer to `Expect: 100-continue`.
    public static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// `HTTP/1.1 <code> <reason>` then each field and the empty line. Fields whose name is not a token or
    /// whose value holds CR, LF or other controls are dropped, so a handler can never split a response.
    public static func head(status: HTTPStatus, headers: HeaderFields) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + headers.count * 48)
        appendStatusLine(status, to: &bytes)
        for field in headers { appendField(name: field.name, value: field.value, to: &bytes) }
        appendEnd(to: &bytes)
        return bytes
    }

    /// Appends the status line. With `appendField` and `appendEnd` the server builds a head in one buffer,
    /// adding its own fields without copying the handler's.
    package static func appendStatusLine(_ status: HTTPStatus, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        let code = min(max(status.code, 100), 999)
        bytes.append(UInt8(ascii: "0") + UInt8(code / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(code % 10))
        bytes.append(ASCII.space)
        for byte in status.reasonPhrase.utf8 where ASCII.isFieldValueByte(byte) { bytes.append(byte) }
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }

    /// Appends `name: value` unless the name is not a token or the value holds a control character.
    package static func appendField(name: String, value: String, to bytes: inout [UInt8]) {
        var name = name, value = value
        // `withUTF8`, not `utf8.withContiguousStorageIfAvailable`: most names and values are small strings,
        // which that declines, and the generic `UTF8View` scan and append cost a tenth of a `/healthz`.
        name.withUTF8 { name in
            value.withUTF8 { value in
                guard !name.isEmpty, name.allSatisfy(ASCII.isTokenByte), value.allSatisfy(ASCII.isFieldValueByte)
                else { return }
                appendBytes(name: name, value: value, to: &bytes)
            }
        }
    }

    /// Appends a field the server itself makes (`Content-Length`, `Date`, `X-Request-Id`, `Connection`): a fixed
    /// token name and a value of visible ASCII by construction, so the checks `appendField` makes are skipped.
    package static func appendServerField(name: StaticString, value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { value in
            appendBytes(name: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), value: value, to: &bytes)
        }
    }

    /// `appendServerField` for a non-negative number (`Content-Length`), its digits written directly.
    package static func appendServerField(name: StaticString, decimal number: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = max(number, 0)
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            let name = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            appendBytes(name: name, value: UnsafeBufferPointer(rebasing: digits[start...]), to: &bytes)
        }
    }

    private static func appendBytes(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        bytes.append(ASCII.colon)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: value)
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }

    package static func appendEnd(to bytes: inout [UInt8]) {
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }
}
