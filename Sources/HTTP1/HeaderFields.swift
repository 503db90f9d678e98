/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1); order is kept
/// because it matters for repeated fields.
public struct HeaderFields: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)
    public private(set) var fields: [Element] = []

    public init() {}
    public init(_ fields: [Element]) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }
    public var count: Int { fields.count }

    /// The first value of the named field, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// How often the named field occurs and its first value, in one pass that allocates nothing: framing and
    /// the host check look at a few fields on every request, and most are absent or occur once.
    public func occurrences(of name: String) -> (count: Int, first: String?) {
        var count = 0
        var first: String?
        for field in fields where Self.sameName(field.name, name) {
            if count == 0 { first = field.value }
            count += 1
        }
        return (count, first)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Replaces every field of that name with one field, or adds it.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(name: String) { fields.removeAll { Self.sameName($0.name, name) } }

    @inline(__always)
    package static func sameName(_ a: String, _ b: String) -> Bool {
        a.equalsIgnoringASCIICase(b)  // field names are tokens (ASCII): no need to allocate lowercased copies
    }
}
