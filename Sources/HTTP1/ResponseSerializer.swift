/// Writes a response head. The body is kept separate so the server can hand both to one writev call.
public enum ResponseSerializer {
    /// The interim answer to `Expect: 100-continue`.
    public static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// `HTTP/1.1 <code> <reason>` then each field and the empty line. Fields whose name is not a token or
    /// whose value holds CR, LF or other controls are dropped, so a handler can never split a response.
    public static func head(status: HTTPStatus, headers: HeaderFields) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + headers.count * 48)
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        let code = min(max(status.code, 100), 999)
        bytes.append(UInt8(ascii: "0") + UInt8(code / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(code % 10))
        bytes.append(ASCII.space)
        bytes.append(contentsOf: status.reasonPhrase.utf8.filter(ASCII.isFieldValueByte))
        bytes.append(contentsOf: [ASCII.cr, ASCII.lf])
        for field in headers where isSafe(field) {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: [ASCII.colon, ASCII.space])
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(contentsOf: [ASCII.cr, ASCII.lf])
        }
        bytes.append(contentsOf: [ASCII.cr, ASCII.lf])
        return bytes
    }

    private static func isSafe(_ field: HeaderFields.Element) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(ASCII.isTokenByte)
            && field.value.utf8.allSatisfy(ASCII.isFieldValueByte)
    }
}
