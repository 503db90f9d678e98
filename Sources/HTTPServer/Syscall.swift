import Glibc

/// A failed system call: which one and its errno. The description names both and nothing else.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
}

/// The outcome of a non-blocking call: done, or it would have blocked.
enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}

/// Runs a system call, retrying on EINTR and turning -1/errno into `SocketError` (cf. NIOPosix `syscall`).
@discardableResult
func syscall<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws(SocketError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SocketError(call: name, errno: code)
    }
}

/// Like `syscall`, but EAGAIN/EWOULDBLOCK become `.wouldBlock` instead of an error.
func nonBlockingSyscall<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws(SocketError) -> IOResult<T> {
    do {
        return .processed(try syscall(name, body))
    } catch let error where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
        return .wouldBlock
    }
}
