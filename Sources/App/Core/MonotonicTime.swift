import Glibc

/// The monotonic clock in nanoseconds, for request durations. `ContinuousClock`'s `Duration` arithmetic and
/// `components` go through 128-bit multiplies: about 400 instructions per request for one histogram sample.
enum MonotonicTime {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
