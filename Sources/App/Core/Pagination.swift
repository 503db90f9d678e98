import Cryptography
public import HTTPServer
public import JSON

/// `first` (1-100, default 20), `before`, `after`: keyset paging over ULIDs, which sort by creation time.
/// Cursors are opaque to clients (base64url of the boundary id) so the scheme can change.
public struct PageRequest: Sendable, Equatable {
    public static let defaultSize = 20
    public static let maxSize = 100

    public enum Direction: Sendable, Equatable {
        case forward(after: String?)
        case backward(before: String)
    }

    public var first: Int
    public var direction: Direction

    public init(first: Int = PageRequest.defaultSize, direction: Direction = .forward(after: nil)) {
        self.first = first
        self.direction = direction
    }

    public static func from(_ request: Request) throws(APIError) -> PageRequest {
        var page = PageRequest()
        if let text = request.queryValue("first") {
            guard let value = Int(text), (1...maxSize).contains(value) else {
                throw APIError.invalidParameter("first", "must be an integer from 1 to \(maxSize)")
            }
            page.first = value
        }
        let after = request.queryValue("after").flatMap { $0.isEmpty ? nil : $0 }
        let before = request.queryValue("before").flatMap { $0.isEmpty ? nil : $0 }
        switch (after, before) {
        case (.some, .some):
            throw APIError.invalidParameter("before", "before and after cannot be combined")
        case (let after?, nil):
            page.direction = .forward(after: try decodeCursor(after, parameter: "after"))
        case (nil, let before?):
            page.direction = .backward(before: try decodeCursor(before, parameter: "before"))
        case (nil, nil):
            break
        }
        return page
    }

    /// `from(request)`, except that without `first` the page holds everything from the cursor on: for ListHubs and
    /// ListSigningKeys, which the reference answers whole and which page only when a client asks.
    public static func wholeUnlessFirst(_ request: Request) throws(APIError) -> PageRequest {
        var page = try from(request)
        if request.queryValue("first") == nil { page.first = wholeSize }
        return page
    }

    /// The size of a whole list: beyond any organisation's hubs or signing keys, and within PostgreSQL's LIMIT.
    static let wholeSize = Int(Int32.max) - 1

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    public var fetchLimit: Int { first + 1 }

    public static func encodeCursor(_ id: String) -> String { Base64.encodeURL(Array(id.utf8)) }

    static func decodeCursor(_ cursor: String, parameter: String) throws(APIError) -> String {
        guard cursor.utf8.count <= 64, let bytes = Base64.decodeURL(cursor),
              let id = String(validating: bytes, as: UTF8.self), id.utf8.count == 26,
              id.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) })
        else { throw APIError.invalidParameter(parameter, "not a cursor this server issued") }
        return id
    }
}

/// One page of results plus the links to its neighbours.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var totalCount: Int
    public var next: String?
    public var prev: String?

    /// Builds a page from rows fetched with `fetchLimit`, in ascending id order for `.forward` and descending for
    /// `.backward` (as the SQL naturally returns them).
    public init(fetched: [Item], totalCount: Int, request: PageRequest, id: (Item) -> String) {
        let hasMore = fetched.count > request.first
        var items = Array(fetched.prefix(request.first))
        switch request.direction {
        case .forward(let after):
            next = hasMore ? items.last.map(id).map(PageRequest.encodeCursor) : nil
            prev = after != nil ? items.first.map(id).map(PageRequest.encodeCursor) : nil
        case .backward:
            items.reverse()
            prev = hasMore ? items.first.map(id).map(PageRequest.encodeCursor) : nil
            next = items.last.map(id).map(PageRequest.encodeCursor)
        }
        self.items = items
        self.totalCount = totalCount
    }

    /// `{"totalCount":…, "next":…, "prev":…, "<key>":[…]}` as the reference's *Page schemas.
    public func json(key: String, _ render: (Item) -> JSONValue) -> JSONValue {
        var object = JSONObject([("totalCount", .number(Double(totalCount)))])
        if let next { object["next"] = .string(next) }
        if let prev { object["prev"] = .string(prev) }
        object[key] = .array(items.map(render))
        return .object(object)
    }
}
