import Glibc

/// SIGTERM/SIGINT through a self-pipe: the handler only writes one byte (async-signal-safe); an event loop
/// watches the read end and starts the graceful shutdown on its own thread.
final class SignalPipe: Sendable {
    let readFD: Int32
    private let writeFD: Int32

    nonisolated(unsafe) private static var handlerFD: Int32 = -1

    init() throws(SocketError) {
        var fds: [Int32] = [0, 0]
        try syscall("pipe") { pipe(&fds) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
        Self.handlerFD = writeFD
        for signal in [SIGTERM, SIGINT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(SignalPipe.handlerFD, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
    }

    /// Restores the default dispositions and closes the pipe.
    func uninstall() {
        for signal in [SIGTERM, SIGINT] { Glibc.signal(signal, SIG_DFL) }
        Self.handlerFD = -1
        close(readFD)
        close(writeFD)
    }
}
