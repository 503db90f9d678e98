/// Items handed out oldest first; once all are out, their storage serves the next ones, so a steady flow
/// allocates nothing.
struct HandOutQueue<Element> {
    private var items: [Element] = []
    private var nextIndex = 0

    var isDrained: Bool { nextIndex == items.count }

    mutating func append(_ item: Element) { items.append(item) }

    mutating func next() -> Element? {
        guard nextIndex < items.count else {
            // One at a time: removeAll(keepingCapacity:) goes through the general replaceSubrange, ~600
            // instructions a call, for the one or two items there usually are.
            while items.popLast() != nil {}
            nextIndex = 0
            return nil
        }
        defer { nextIndex += 1 }
        return items[nextIndex]
    }
}
