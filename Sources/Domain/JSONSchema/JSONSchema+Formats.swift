extension JSONSchema.Format {
    /// Whether `text` is in the format: RFC 3986 `URI` (absolute, a fragment allowed), RFC 5321 `Mailbox` (ASCII),
    /// RFC 3339 `date-time` (a leap second only at 23:59:60 UTC).
    func admits(_ text: String) -> Bool {
        switch self {
        case .uri: URIGrammar.isURI(Array(text.utf8))
        case .email: MailboxGrammar.isMailbox(Array(text.utf8))
        case .dateTime: Self.isDateTime(text)
        }
    }

    private static func isDateTime(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        // YYYY-MM-DDTHH:MM:SS: the seconds are bytes 17 and 18. A leap second is judged as :59, then must fall
        // on the last second of a UTC day.
        let isLeapSecond = bytes.count > 18 && bytes[17] == UInt8(ascii: "6") && bytes[18] == UInt8(ascii: "0")
        if isLeapSecond { bytes[17] = UInt8(ascii: "5"); bytes[18] = UInt8(ascii: "9") }
        guard let timestamp = Timestamp(rfc3339: String(decoding: bytes, as: UTF8.self)) else { return false }
        guard isLeapSecond else { return true }
        let seconds = timestamp.microsecondsSinceEpoch / 1_000_000 - (timestamp.microsecondsSinceEpoch % 1_000_000 < 0 ? 1 : 0)
        return (seconds % 86_400 + 86_400) % 86_400 == 86_399
    }
}

/// RFC 3986 §3 over bytes: `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
enum URIGrammar {
    static func isURI(_ bytes: [UInt8]) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), isScheme(bytes[..<colon]) else { return false }
        var rest = bytes[(colon + 1)...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isQueryOrFragment(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isQueryOrFragment(rest[(question + 1)...]) else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: "//".utf8) {
            let authorityStart = rest.startIndex + 2
            let pathStart = rest[authorityStart...].firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            return isAuthority(rest[authorityStart..<pathStart]) && isPath(rest[pathStart...])
        }
        return isPath(rest)
    }

    static func isScheme(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, ASCIIClass.isAlpha(first) else { return false }
        return bytes.allSatisfy { ASCIIClass.isAlpha($0) || ASCIIClass.isDigit($0) || "+-.".utf8.contains($0) }
    }

    /// `[ userinfo "@" ] host [ ":" port ]`.
    static func isAuthority(_ bytes: ArraySlice<UInt8>) -> Bool {
        var hostAndPort = bytes
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            guard allEncoded(bytes[..<at], extra: ":") else { return false }
            hostAndPort = bytes[(at + 1)...]
        }
        var host = hostAndPort
        if hostAndPort.first == UInt8(ascii: "[") {
            guard let close = hostAndPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            host = hostAndPort[...close]
            let after = hostAndPort[(close + 1)...]
            guard after.isEmpty || (after.first == UInt8(ascii: ":") && after.dropFirst().allSatisfy(ASCIIClass.isDigit)) else {
                return false
            }
            return isIPLiteral(host.dropFirst().dropLast())
        }
        if let colon = hostAndPort.firstIndex(of: UInt8(ascii: ":")) {
            guard hostAndPort[(colon + 1)...].allSatisfy(ASCIIClass.isDigit) else { return false }
            host = hostAndPort[..<colon]
        }
        // A reg-name covers IPv4 addresses too (RFC 3986 §3.2.2: 999.999.999.999 is a valid reg-name).
        return allEncoded(host, extra: "")
    }

    /// `IPv6address` or `IPvFuture` between the brackets.
    static func isIPLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        if let first = bytes.first, first == UInt8(ascii: "v") || first == UInt8(ascii: "V") {
            guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot > bytes.startIndex + 1,
                  bytes[(bytes.startIndex + 1)..<dot].allSatisfy(ASCIIClass.isHexDigit), dot + 1 < bytes.endIndex
            else { return false }
            return bytes[(dot + 1)...].allSatisfy { ASCIIClass.isUnreserved($0) || ASCIIClass.isSubDelimiter($0) || $0 == UInt8(ascii: ":") }
        }
        return IPTextGrammar.isIPv6(bytes)
    }

    static func isPath(_ bytes: ArraySlice<UInt8>) -> Bool { allEncoded(bytes, extra: ":@/") }

    static func isQueryOrFragment(_ bytes: ArraySlice<UInt8>) -> Bool { allEncoded(bytes, extra: ":@/?") }

    /// Every byte unreserved, a sub-delimiter, one of `extra`, or part of a well-formed `%XX`.
    static func allEncoded(_ bytes: ArraySlice<UInt8>, extra: String) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, ASCIIClass.isHexDigit(bytes[index + 1]), ASCIIClass.isHexDigit(bytes[index + 2])
                else { return false }
                index += 3
                continue
            }
            guard ASCIIClass.isUnreserved(byte) || ASCIIClass.isSubDelimiter(byte) || extra.utf8.contains(byte) else { return false }
            index += 1
        }
        return true
    }
}

/// RFC 5321 §4.1.2 `Mailbox = Local-part "@" ( Domain / address-literal )`, ASCII only.
enum MailboxGrammar {
    static func isMailbox(_ bytes: [UInt8]) -> Bool {
        guard let (local, domain) = split(bytes), !local.isEmpty, !domain.isEmpty else { return false }
        return isLocalPart(local) && (isDomain(domain) || isAddressLiteral(domain))
    }

    /// At the `@` after the local part: past the closing quote of a quoted local part.
    private static func split(_ bytes: [UInt8]) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        var index = 0
        if bytes.first == UInt8(ascii: "\"") {
            index = 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
        }
        guard let at = bytes[min(index, bytes.count)...].firstIndex(of: UInt8(ascii: "@")) else { return nil }
        return (bytes[..<at], bytes[(at + 1)...])
    }

    private static func isLocalPart(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.first == UInt8(ascii: "\"") {
            guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return false }
            var index = bytes.startIndex + 1
            while index < bytes.endIndex - 1 {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.endIndex - 1, (32...126).contains(bytes[index + 1]) else { return false }
                    index += 2
                    continue
                }
                guard (32...126).contains(byte), byte != UInt8(ascii: "\"") else { return false }
                index += 1
            }
            return true
        }
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in !atom.isEmpty && atom.allSatisfy(isAtomText) }
    }

    private static func isAtomText(_ byte: UInt8) -> Bool {
        ASCIIClass.isAlpha(byte) || ASCIIClass.isDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    /// Labels of letters, digits and inner hyphens.
    private static func isDomain(_ bytes: ArraySlice<UInt8>) -> Bool {
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            let letterOrDigit = { (byte: UInt8) in ASCIIClass.isAlpha(byte) || ASCIIClass.isDigit(byte) }
            return letterOrDigit(first) && letterOrDigit(last) && label.allSatisfy { letterOrDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `[a.b.c.d]` or `[IPv6:…]`.
    private static func isAddressLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count > 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return false }
        let inner = bytes.dropFirst().dropLast()
        if inner.starts(with: "IPv6:".utf8) { return IPTextGrammar.isIPv6(inner.dropFirst(5)) }
        return IPTextGrammar.isIPv4(inner)
    }
}

/// The textual IP forms RFC 3986 §3.2.2 defines: dotted decimal without leading zeros, and IPv6 with at most one `::`.
enum IPTextGrammar {
    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(ASCIIClass.isDigit) else { return false }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return false }
            return Int(String(decoding: part, as: UTF8.self))! <= 255
        }
    }

    static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        let text = Array(bytes)
        var halves: [[UInt8]] = [text]
        if let range = text.indices.first(where: { $0 + 1 < text.count && text[$0] == UInt8(ascii: ":") && text[$0 + 1] == UInt8(ascii: ":") }) {
            halves = [Array(text[..<range]), Array(text[(range + 2)...])]
            if halves[1].starts(with: [UInt8(ascii: ":")]) || containsDoubleColon(halves[1]) { return false }
        }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let pieces = half.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                let isLast = index == halves.count - 1 && position == pieces.count - 1
                if isLast, piece.contains(UInt8(ascii: ".")) {
                    guard isIPv4(piece) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(ASCIIClass.isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 1 ? groups == 8 : groups <= 7
    }

    private static func containsDoubleColon(_ bytes: [UInt8]) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: ":") && $1 == UInt8(ascii: ":") }
    }
}

enum ASCIIClass {
    static func isAlpha(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
    static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (65...70).contains(byte) || (97...102).contains(byte) }
    static func isUnreserved(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) || "-._~".utf8.contains(byte) }
    static func isSubDelimiter(_ byte: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(byte) }
}
