// Shared by every fuzz target: an assertion that prints its message in optimised builds too (precondition
// drops messages at -O), then aborts so libFuzzer saves the input.
#if canImport(Glibc)
import Glibc
#endif

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    guard !condition() else { return }
    let text = "fuzz check failed: \(message())\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    abort()
}
