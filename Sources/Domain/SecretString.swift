/// A string that must never be printed or logged: every textual form is `****`.
/// Read the value only where it is needed, through `exposedValue`.
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    public let exposedValue: String

    public init(_ value: String) { exposedValue = value }

    public var description: String { "****" }
    public var debugDescription: String { "****" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
