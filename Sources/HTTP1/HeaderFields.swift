/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1); order is kept
/// because it matters for repeated fields.
public struct HeaderFields: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)
    public private(set) var fields: [Element] = []

    /// Room parsers reserve up front: most messages carry fewer fields, and growing the list from empty would
    /// reallocate it three times on the way.
    public static let typicalCount = 8

    public init() {}
    public init(_ fields: [Element]) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }
    public var count: Int { fields.count }

    // Lookups walk the fields by index: binding each element would copy, and so retain, both of its strings.

    /// The first value of the named field, or nil.
    public subscript(name: String) -> String? {
        for index in fields.indices where Self.sameName(fields[index].name, name) { return fields[index].value }
        return nil
    }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        var values: [String] = []
        for index in fields.indices where Self.sameName(fields[index].name, name) { values.append(fields[index].value) }
        return values
    }

    /// How often the named field occurs and its first value, in one pass that allocates nothing: framing and
    /// the host check look at a few fields on every request, and most are absent or occur once.
    public func occurrences(of name: String) -> (count: Int, first: String?) {
        var count = 0
        var first: String?
        for index in fields.indices where Self.sameName(fields[index].name, name) {
            if count == 0 { first = fields[index].value }
            count += 1
        }
        return (count, first)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Each element of every `name` field's comma-separated list (RFC 9110 §5.6.1), trimmed of OWS, empty ones
    /// skipped. Scanned by byte: the delimiters are ASCII, and `Connection` is read on every request and answer.
    public func listElements(of name: String) -> [Substring] {
        var elements: [Substring] = []
        for index in fields.indices where Self.sameName(fields[index].name, name) {
            let value = Substring(fields[index].value)
            var start = value.startIndex
            while start < value.endIndex {
                let end = value.utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
                let trimmed = value[start..<end].trimmingOWS()
                if !trimmed.isEmpty { elements.append(trimmed) }
                start = end == value.endIndex ? end : value.utf8.index(after: end)
            }
        }
        return elements
    }

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
