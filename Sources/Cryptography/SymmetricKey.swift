import COpenSSL

/// A 256-bit key in memory that this object alone owns, overwritten with OPENSSL_cleanse when released.
/// Immutable after init, hence safe to share between threads.
final class SymmetricKey: @unchecked Sendable {
    static let byteCount = 32
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` (which must be 32 long); the caller wipes its own copy.
    init(copying bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        storage = .allocate(byteCount: Self.byteCount, alignment: 16)
        storage.copyBytes(from: bytes)
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    func withBytes<R, E: Error>(_ body: (UnsafePointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(storage.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
}

extension SymmetricKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "****" }
    var debugDescription: String { "****" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
