import HTTP1
import HTTPClient
import Logging

/// Typed reads of environment variables that collect problems instead of stopping at the first.
struct EnvironmentReader {
    let env: [String: String]
    private(set) var problems: [String] = []

    init(env: [String: String]) { self.env = env }

    func string(_ name: String) -> String? {
        guard let value = env[name], !value.isEmpty else { return nil }
        return value
    }

    mutating func required(_ name: String, hint: String? = nil) -> String? {
        guard let value = string(name) else {
            problems.append("\(name) is required" + (hint.map { ": \($0)" } ?? ""))
            return nil
        }
        return value
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func milliseconds(_ name: String) -> Duration? {
        integer(name, in: 1...86_400_000).map { .milliseconds($0) }
    }

    mutating func boolean(_ name: String) -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            problems.append("\(name) must be true or false")
            return nil
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(name)?.lowercased() else { return nil }
        guard let value = T(rawValue: text) else {
            problems.append("\(name) must be one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return value
    }

    /// A comma-separated list of CIDR networks (`127.0.0.0/8, ::1/128`); a bare address is a one-host network.
    mutating func networks(_ name: String) -> [IPNetwork]? {
        guard let text = string(name) else { return nil }
        var networks: [IPNetwork] = []
        for (index, entry) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmed = entry.trimmingOWS()
            guard let network = IPNetwork(parsing: trimmed) else {
                problems.append(
                    "\(name) must be a comma-separated list of CIDR networks such as 127.0.0.0/8,::1/128 "
                        + "(entry \(index + 1) is not one, or has host bits set past its prefix)")
                return nil
            }
            networks.append(network)
        }
        return networks
    }

    /// An absolute http(s) URL with no query or fragment, returned without its trailing slashes so paths can be
    /// appended to it.
    mutating func baseURL(_ name: String) -> String? {
        guard let text = string(name) else { return nil }
        let trimmed = String(text.reversed().drop { $0 == "/" }.reversed())
        guard (try? OutboundURL(parsing: trimmed)) != nil, !trimmed.contains("?"), !trimmed.contains("#") else {
            problems.append("\(name) must be an absolute http or https URL with no query or fragment, such as https://api.example.com")
            return nil
        }
        return trimmed
    }

    mutating func logLevel(_ name: String) -> Logger.Level? {
        guard let text = string(name)?.lowercased() else { return nil }
        guard let level = Logger.Level(rawValue: text) else {
            problems.append("\(name) must be one of trace, debug, info, notice, warning, error, critical")
            return nil
        }
        return level
    }
}
