extension String {
    /// `body` over the string's UTF-8 bytes where they lie (no copy, so no retain of a large string's storage); a
    /// small string, which has no storage to borrow, is copied to the stack by `withUTF8`. A step through
    /// `String.UTF8View` costs several times a plain load, and the proxy scans every outbound field, target, path
    /// and baseUrl.
    @inlinable
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var text = self
        return text.withUTF8(body)
    }

    /// Whether every UTF-8 byte is `allowed`. Inlinable, as the scans below: the caller's predicate is then a
    /// plain comparison per byte, not a call.
    @inlinable
    package func allUTF8(satisfy allowed: (UInt8) -> Bool) -> Bool { withBytes { $0.allSatisfy(allowed) } }

    /// The index of the first UTF-8 byte that `matches`. Callers look for ASCII delimiters, so the index is a
    /// scalar boundary.
    @inlinable
    package func firstUTF8Index(where matches: (UInt8) -> Bool) -> String.Index? {
        withBytes { $0.firstIndex(where: matches) }.map { utf8.index(startIndex, offsetBy: $0) }
    }
}

// On `[String]`, not a generic `Sequence`: a generic function of another module runs unspecialized.
extension [String] {
    /// Whether one of these header names is `name`, ignoring ASCII case, lengths compared first: most names
    /// checked against a list differ from it in length.
    @inlinable
    package func containsName(_ name: String) -> Bool {
        let length = name.utf8.count
        return contains { $0.utf8.count == length && $0.equalsIgnoringASCIICase(name) }
    }
}
