/// The instant by which the calling task's database work must end, e.g. an HTTP request's time limit. Bound with
/// `CallerDeadline.$current.withValue(_:operation:)` around the work; every wait for a connection or an answer
/// then ends by it. A statement still running at that instant is cancelled on the server and its connection
/// dropped, so whatever the statement or its open transaction wrote is rolled back, and the caller gets
/// `DatabaseError(kind: .deadlineExceeded)`.
public enum CallerDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// The sooner of `own` and the caller's deadline, and whether the caller's is the one that binds.
    static func applied(to own: ContinuousClock.Instant) -> (deadline: ContinuousClock.Instant, isCallers: Bool) {
        guard let caller = current, caller < own else { return (own, false) }
        return (caller, true)
    }

    static let exceeded = DatabaseError(kind: .deadlineExceeded, serverMessage: "the caller's deadline passed")
}
