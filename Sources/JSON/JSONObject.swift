/// An object's members, in order. Keys are unique.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// A struct rather than a tuple: arrays of tuples are copied and destroyed through the runtime's generic tuple
    /// witnesses, which costs a tenth of a read's CPU, since every response is a tree of these.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]

    public init(_ members: [(String, JSONValue)] = []) { self.members = members.map { Member(key: $0.0, value: $0.1) } }

    /// Members whose keys the caller knows to be unique (the parser has checked them).
    public init(members: [Member]) { self.members = members }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Member]>
        public mutating func next() -> (key: String, value: JSONValue)? { base.next().map { ($0.key, $0.value) } }
    }

    public func makeIterator() -> Iterator { Iterator(base: members.makeIterator()) }
    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Get a member, or set (replace in place, or append); setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Puts a member with a new key at `position` (a body's documented field order).
    public mutating func insert(_ key: String, _ value: JSONValue, at position: Int) {
        precondition(self[key] == nil, "duplicate JSON key \(key)")
        members.insert(Member(key: key, value: value), at: position)
    }
}
