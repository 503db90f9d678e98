extension StringProtocol {
    /// True when both hold the same UTF-8 bytes. Swift's `==` holds for canonically equivalent strings ("Kate" and
    /// "\u{212A}ate" with a KELVIN SIGN, "é" and "e\u{301}") while PostgreSQL compares text byte for byte, so an
    /// identity (an id, an external id, a key) checked in Swift must be compared this way to mean what the
    /// database means by it.
    func hasSameBytes(as other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}

extension Optional where Wrapped: StringProtocol {
    /// `hasSameBytes(as:)`; nil has no bytes in common with anything.
    func hasSameBytes(as other: some StringProtocol) -> Bool {
        self?.hasSameBytes(as: other) ?? false
    }
}
