import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// Opening a libpq connection with `PQconnectStartParams`/`PQconnectPoll`, waiting on the reactor instead of
/// blocking a thread. Host names are still resolved synchronously by libpq (a local lookup for the usual
/// `localhost`, a socket path or a container name).
enum ConnectionStart {
    static func connect(configuration: DatabaseConfiguration, reactor: IOReactor) async throws(DatabaseError) -> OpaquePointer {
        // Keywords before `dbname` are defaults the expanded connection string may override; those after it win.
        // Text is sent and read as UTF-8 (and `MergedReads` escapes array literals assuming it), so the
        // connection string cannot choose another `client_encoding`; as a startup parameter it also outranks an
        // `options=-c client_encoding=…`.
        let pairs: [(String, String)] = [
            ("connect_timeout", String(max(configuration.connectTimeoutSeconds, 1))),
            ("application_name", configuration.applicationName),
            ("dbname", configuration.connectionString),
            ("client_encoding", "UTF8"),
        ]
        guard let handle = start(pairs) else { throw DatabaseError(kind: .connectionUnavailable) }
        // The caller's deadline, when sooner, ends the attempt (the pool then answers `.deadlineExceeded`).
        let deadline = CallerDeadline.applied(
            to: ContinuousClock.now + .seconds(max(configuration.connectTimeoutSeconds, 1))).deadline
        var status = PQstatus(handle) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING
        while status == PGRES_POLLING_READING || status == PGRES_POLLING_WRITING {
            let socket = PQsocket(handle)
            let ready = await reactor.wait(
                for: status == PGRES_POLLING_READING ? .readable : .writable, on: socket, until: deadline)
            guard ready else {
                if socket >= 0 { reactor.forget(socket) }
                PQfinish(handle)
                throw DatabaseError(kind: .connectionUnavailable, serverMessage: "connect timed out")
            }
            status = PQconnectPoll(handle)
        }
        let encoding = PQparameterStatus(handle, "client_encoding").map { String(cString: $0) }
        guard status == PGRES_POLLING_OK, encoding == "UTF8", PQsetnonblocking(handle, 1) == 0 else {
            let message = status == PGRES_POLLING_OK && encoding != "UTF8"
                ? "the server reports client_encoding \(encoding ?? "unknown"), not UTF8"
                : String(cString: PQerrorMessage(handle))
            let socket = PQsocket(handle)
            if socket >= 0 { reactor.forget(socket) }
            PQfinish(handle)
            throw DatabaseError(kind: .connectionUnavailable, serverMessage: message)
        }
        return handle
    }

    private static func start(_ pairs: [(String, String)]) -> OpaquePointer? {
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return PQconnectStartParams(keywordPointers, valuePointers, 1)
    }
}
