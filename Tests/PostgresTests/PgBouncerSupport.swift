import Foundation
import Postgres

#if canImport(Glibc)
import Glibc
#endif

/// A PgBouncer in transaction mode in front of DATABASE_URL's cluster (a `scripts/dev-db.sh` URL: a Unix socket,
/// user postgres), for the tests that need one; they are skipped where `pgbouncer` is not installed.
enum PgBouncer {
    static let binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// DATABASE_URL's socket directory (`host=`) and database.
    static var cluster: (socketDirectory: String, database: String)? {
        guard let url = databaseURL, let components = URLComponents(string: url),
              let host = components.queryItems?.first(where: { $0.name == "host" })?.value, host.hasPrefix("/")
        else { return nil }
        return (host, String(components.path.dropFirst()))
    }

    static var isAvailable: Bool { binary != nil && cluster != nil }

    /// Runs `body` with the URL of a PgBouncer that keeps at most `serverSessions` sessions to the cluster, and
    /// stops it afterwards. PgBouncer refuses to run as root: as root it runs as the socket directory's owner.
    static func with<T>(serverSessions: Int, _ body: (String) async throws -> T) async throws -> T {
        guard let binary, let cluster else { throw CocoaError(.fileNoSuchFile) }
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(uniqueName("pgbouncer"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try freePort()
        let ini = directory.appendingPathComponent("pgbouncer.ini")
        let users = directory.appendingPathComponent("users.txt")
        try """
            [databases]
            \(cluster.database) = host=\(cluster.socketDirectory) dbname=\(cluster.database) user=postgres
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = trust
            auth_file = \(users.path)
            pool_mode = transaction
            default_pool_size = \(serverSessions)
            """.write(to: ini, atomically: true, encoding: .utf8)
        try "\"postgres\" \"\"\n".write(to: users, atomically: true, encoding: .utf8)
        for file in [ini, users] { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path) }
        let process = Process()
        if getuid() == 0 {
            let owner = try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory)
            let uid = (owner[.ownerAccountID] as? NSNumber)?.intValue ?? 0
            let gid = (owner[.groupOwnerAccountID] as? NSNumber)?.intValue ?? 0
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", binary, ini.path]
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [ini.path]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: the child inherits the test thread's signal mask, which blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let url = "postgresql://postgres@127.0.0.1:\(port)/\(cluster.database)"
        try await waitUntilListening(port: port)
        return try await body(url)
    }

    private static func waitUntilListening(port: UInt16) async throws {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CocoaError(.fileReadUnknown)
    }

    private static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }
}
