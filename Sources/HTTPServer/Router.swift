public import HTTP1

public typealias Handler = @Sendable (Request) async throws -> Response

/// Method + path template routing. Templates are literal segments and `:name` parameters:
/// `/hubs/:hub_id/users/:user_id/connections`. Literal segments win over parameters.
public struct Router: Sendable {
    public enum Match: Sendable {
        case found(Handler, parameters: [String: String], template: String)
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private struct Route: Sendable {
        let method: HTTPMethod
        let template: String
        let segments: [Substring]
        let handler: Handler
    }

    private var routes: [Route] = []
    /// Positions in `routes` of the templates without parameters, by template: such paths (`/healthz`) are
    /// found by one lookup instead of a split and a scan.
    private var literalRoutes: [String: [Int]] = [:]
    /// Positions in `routes` (in `routes` order) by segment count: a path is compared only with templates as long.
    private var routesBySegmentCount: [Int: [Int]] = [:]

    public init() {}

    public mutating func on(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        let segments = template.split(separator: "/", omittingEmptySubsequences: true)
        routes.append(Route(method: method, template: template, segments: segments, handler: handler))
        // Literal segments first so that `/hubs/defaults` beats `/hubs/:hub_id`.
        routes.sort { Self.specificity($0.segments) > Self.specificity($1.segments) }
        literalRoutes = [:]
        routesBySegmentCount = [:]
        for (position, route) in routes.enumerated() {
            routesBySegmentCount[route.segments.count, default: []].append(position)
            if !route.segments.contains(where: { $0.first == ":" }) {
                literalRoutes[route.template, default: []].append(position)
            }
        }
    }

    /// Every (method, template) pair, for the spec-coverage test and `Allow` headers.
    public var table: [(method: HTTPMethod, template: String)] { routes.map { ($0.method, $0.template) } }

    public func match(method: HTTPMethod, path: String) -> Match {
        // An all-literal template outranks every template with parameters, so its match is the scan's answer.
        for position in literalRoutes[path] ?? [] {
            let route = routes[position]
            if route.method == method || (method == .HEAD && route.method == .GET) {
                return .found(route.handler, parameters: [:], template: route.template)
            }
        }
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Substring.init)
        var allowed: [HTTPMethod] = []
        for position in routesBySegmentCount[segments.count] ?? [] {
            let route = routes[position]
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if route.method == method || (method == .HEAD && route.method == .GET) {
                return .found(route.handler, parameters: parameters, template: route.template)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        // A GET route answers HEAD too (above), so HEAD is allowed wherever GET is.
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// The template's parameters in `path`, or nil when a literal segment differs. Literals are compared
    /// first, so the templates that do not match (most of them) cost no allocation.
    private static func bind(_ template: [Substring], to path: [Substring]) -> [String: String]? {
        guard template.count == path.count else { return nil }
        for (pattern, actual) in zip(template, path) where pattern.first != ":" && pattern != actual { return nil }
        var parameters: [String: String] = [:]
        for (pattern, actual) in zip(template, path) where pattern.first == ":" {
            parameters[String(pattern.dropFirst())] = QueryString.percentDecode(actual, plusIsSpace: false)
        }
        return parameters
    }

    private static func specificity(_ segments: [Substring]) -> Int {
        segments.reduce(0) { $0 * 2 + ($1.first == ":" ? 0 : 1) }
    }
}
