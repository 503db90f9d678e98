/// Named bounds on what a client may send. Each has its own status when exceeded.
public struct ParserLimits: Sendable, Equatable {
    /// Longest request line (method, target, version) in bytes → 414. Default 8 KiB.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Largest header section (all field lines) in bytes → 431. Default 16 KiB.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Most header fields → 431. Default 100.
    public var maxHeaderCount: Int = 100
    /// Largest body after de-chunking → 413. Default 1 MiB.
    public var maxBodyBytes: Int = 1024 * 1024

    public init() {}
}
