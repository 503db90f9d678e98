import Foundation
import Postgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Shutting a pool down twice (explicitly, then in `deinit`) must not touch descriptors it no longer owns.
struct PoolShutdownTests {
    @Test func aSecondShutdownWritesNothingIntoADescriptorThatReusedTheReactorsNumbers() throws {
        let pool = DatabasePool(configuration: DatabaseConfiguration(connectionString: "postgresql:///unused"))
        pool.shutdown()
        // Let the reactor thread see the stop and end, as it does before a late second call.
        Thread.sleep(forTimeInterval: 0.2)
        // The lowest free numbers: the reactor's eventfd and epoll descriptors, if it had closed them.
        var pairs: [[Int32]] = []
        for _ in 0..<4 {
            var fds: [Int32] = [0, 0]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
            _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
            pairs.append(fds)
        }
        defer { for fds in pairs { close(fds[0]); close(fds[1]) } }
        pool.shutdown()
        for fds in pairs {
            var byte: UInt8 = 0
            // Whatever a stray write reached, its peer would now have bytes to read.
            #expect(recv(fds[1], &byte, 1, 0) == -1 && errno == EAGAIN)
            #expect(recv(fds[0], &byte, 1, Int32(MSG_DONTWAIT)) == -1)
        }
    }
}
