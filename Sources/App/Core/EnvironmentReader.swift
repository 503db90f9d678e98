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

    mutating func logLevel(_ name: String) -> Logger.Level? {
        guard let text = string(name)?.lowercased() else { return nil }
        guard let level = Logger.Level(rawValue: text) else {
            problems.append("\(name) must be one of trace, debug, info, notice, warning, error, critical")
            return nil
        }
        return level
    }
}
