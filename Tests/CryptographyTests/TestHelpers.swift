@testable import Cryptography

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A ring specification entry with a deterministic, distinct 32-byte key.
func entry(_ version: String, fill: UInt8) -> String {
    "\(version):\(Base64.encode([UInt8](repeating: fill, count: 32)))"
}

/// Runs `body` and returns the CryptoError it threw, or nil when it succeeded.
func cryptoError<T>(_ body: () throws(CryptoError) -> T) -> CryptoError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
