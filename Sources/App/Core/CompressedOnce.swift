import HTTPServer
import Locking

/// A body that never changes and its gzip form at zlib's highest level, made once: on a thread of its own from
/// `startCompressing()`, or by the first request that wants it, whichever comes first (the other waits for it).
/// OpenAPI's 220 KB take tens of milliseconds at level 9, which a start need not wait for.
final class CompressedOnce: Sendable {
    let body: [UInt8]
    private let compressed = Locked<[UInt8]?>(nil)

    init(_ body: [UInt8]) { self.body = body }

    /// Compresses on a detached thread now, so that the work overlaps what the start does meanwhile; if no thread
    /// can be started, the first request that wants the gzip form makes it.
    func startCompressing() {
        _ = DetachedThread.start { [self] in _ = gzipped }
    }

    /// The gzip form; made here, holding the lock, if no one has made it yet.
    var gzipped: [UInt8] {
        compressed.withLock { stored in
            if let stored { return stored }
            let made = Gzip.compress(body, level: 9)
            stored = made
            return made
        }
    }
}
