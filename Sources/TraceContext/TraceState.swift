/// The `tracestate` header of W3C Trace Context Level 1: vendors' `key=value` entries, passed on untouched.
/// It is checked, not interpreted: a list that breaks the grammar (§3.3.1), repeats a key, has more than 32
/// members or is longer than 512 characters is dropped whole (the spec lets a vendor drop what it cannot pass
/// on; cutting entries out would mean choosing whose to lose).
public enum TraceState {
    public static let maxLength = 512
    public static let maxMembers = 32

    /// `value` (several header fields already joined with `,`) when it may be passed on, else nil.
    public static func accepted(_ value: String) -> String? {
        guard value.utf8.count <= maxLength else { return nil }
        var value = value
        return value.withUTF8 { isValid($0) } ? value : nil
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maxMembers) { keys in
            var members = 0
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
                var (low, high) = (start, end)
                while low < high && isOWS(bytes[low]) { low += 1 }
                while high > low && isOWS(bytes[high - 1]) { high -= 1 }
                if low < high {  // an empty member (OWS only) is allowed and ignored
                    guard members < maxMembers, let key = member(bytes, low..<high) else { return false }
                    for earlier in 0..<members where same(bytes, keys[earlier], key) { return false }
                    keys.initializeElement(at: members, to: key)
                    members += 1
                }
                start = end + 1
            }
            return true
        }
    }

    /// The key's range when `range` is a valid `key=value`.
    private static func member(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        guard let equals = range.first(where: { bytes[$0] == UInt8(ascii: "=") }) else { return nil }
        let key = range.lowerBound..<equals
        let value = (equals + 1)..<range.upperBound
        guard isKey(bytes, key), (1...256).contains(value.count), !isOWS(bytes[value.upperBound - 1]) else { return nil }
        for index in value {
            let byte = bytes[index]
            guard byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "=") else { return nil }
        }
        return key
    }

    /// `simple-key` (lcalpha then up to 255 more) or `tenant-id@system-id` (up to 241 and up to 14).
    private static func isKey(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> Bool {
        guard let at = key.first(where: { bytes[$0] == UInt8(ascii: "@") }) else {
            return isKeyPart(bytes, key, maxCount: 256, firstMayBeDigit: false)
        }
        return isKeyPart(bytes, key.lowerBound..<at, maxCount: 241, firstMayBeDigit: true)
            && isKeyPart(bytes, (at + 1)..<key.upperBound, maxCount: 14, firstMayBeDigit: false)
    }

    private static func isKeyPart(_ bytes: UnsafeBufferPointer<UInt8>, _ part: Range<Int>, maxCount: Int, firstMayBeDigit: Bool) -> Bool {
        guard (1...maxCount).contains(part.count) else { return false }
        let first = bytes[part.lowerBound]
        guard isLowercaseLetter(first) || (firstMayBeDigit && isDigit(first)) else { return false }
        return part.dropFirst().allSatisfy { index in
            let byte = bytes[index]
            return isLowercaseLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/")
        }
    }

    private static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { bytes[$0] == bytes[$1] }
    }

    private static func isOWS(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    private static func isLowercaseLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
