import Foundation

/// Finds the files the binary ships beside it: `Migrations/` and `openapi/openapi.yaml`.
/// Looked up in order: `EMBEDDED_API_HOME`, the working directory, then the executable's ancestors
/// (so `.build/debug/embedded-api` finds the checkout, and `/app/bin/embedded-api` finds `/app`).
enum ProjectFiles {
    static func locate(_ relativePath: String) -> String? {
        var roots: [String] = []
        if let home = ProcessInfo.processInfo.environment["EMBEDDED_API_HOME"], !home.isEmpty { roots.append(home) }
        roots.append(FileManager.default.currentDirectoryPath)
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(directory.path)
            directory.deleteLastPathComponent()
        }
        for root in roots {
            let candidate = (root as NSString).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func openAPIDocument() -> [UInt8]? {
        guard let path = locate("openapi/openapi.yaml"), let data = FileManager.default.contents(atPath: path) else {
            return nil
        }
        return Array(data)
    }
}
