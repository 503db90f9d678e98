import JSON

/// Equality as JSON Schema defines it for `enum` and `const`: numbers by value (`1` equals `1.0`), strings and
/// object keys by code point (Swift's `==` would equate canonically equivalent strings), objects regardless of
/// member order, `true` never equal to `1`.
enum JSONEquality {
    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return sameKey(a, b)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.members.allSatisfy { member in
                b.members.contains { sameKey($0.key, member.key) && equal($0.value, member.value) }
            }
        default: return false
        }
    }

    static func sameKey(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// A bound as a message shows it: `3`, not `3.0`.
    static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
