import Locking

/// A request body handed to the handler as it arrives (`BodyScreening.stream`), never held whole: the event loop
/// stops reading the socket while `bufferedBytes` are waiting for the handler, and reads on once it took them,
/// so a slow consumer slows the client instead of growing memory. Nothing is reserved in the `BodyBudget`.
public final class RequestBodyStream: Sendable {
    /// Why the body cannot be read on: malformed chunking, over the limit, or the client left or was answered.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The Content-Length, nil for a chunked body.
    public let length: Int?
    static let bufferedBytes = 256 * 1024

    private struct State {
        var pieces: [[UInt8]] = []
        var buffered = 0
        var ended = false
        var failure: Failure?
        var taker: CheckedContinuation<[UInt8]?, any Error>?
        /// The loop stopped reading for want of room and waits to be told there is some.
        var loopWaiting = false
    }

    private let state = Locked(State())
    private let room: @Sendable () -> Void

    init(length: Int?, room: @escaping @Sendable () -> Void) {
        self.length = length
        self.room = room
    }

    /// The next piece, waiting for the client; nil at the end of the body. Throws `Failure`.
    public func next() async throws -> [UInt8]? {
        let (ready, wake) = state.withLock { state -> (Result<[UInt8]?, any Error>?, Bool) in
            if !state.pieces.isEmpty {
                let piece = state.pieces.removeFirst()
                state.buffered -= piece.count
                let wake = state.loopWaiting && state.buffered < Self.bufferedBytes
                if wake { state.loopWaiting = false }
                return (.success(piece), wake)
            }
            if let failure = state.failure { return (.failure(failure), false) }
            if state.ended { return (.success(nil), false) }
            return (nil, false)
        }
        if wake { room() }
        if let ready { return try ready.get() }
        return try await withCheckedThrowingContinuation { continuation in
            let early = state.withLock { state -> Result<[UInt8]?, any Error>? in
                if let failure = state.failure { return .failure(failure) }
                if state.ended && state.pieces.isEmpty { return .success(nil) }
                if !state.pieces.isEmpty {
                    let piece = state.pieces.removeFirst()
                    state.buffered -= piece.count
                    return .success(piece)
                }
                state.taker = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }
    }

    // MARK: The event loop's side

    var isEnded: Bool { state.withLock { $0.ended || $0.failure != nil } }

    /// Hands `piece` on; false when the buffer is full (the loop then stops reading until `room` is called).
    func offer(_ piece: [UInt8]) -> Bool {
        let (taker, hasRoom) = state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, Bool) in
            if let taker = state.taker {
                state.taker = nil
                return (taker, true)
            }
            state.pieces.append(piece)
            state.buffered += piece.count
            let hasRoom = state.buffered < Self.bufferedBytes
            if !hasRoom { state.loopWaiting = true }
            return (nil, hasRoom)
        }
        taker?.resume(returning: piece)
        return hasRoom
    }

    func finish() { end(nil) }

    func fail(_ reason: String) { end(Failure(description: reason)) }

    private func end(_ failure: Failure?) {
        let (taker, result) = state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, Result<[UInt8]?, any Error>) in
            guard !state.ended && state.failure == nil else { return (nil, .success(nil)) }
            if let failure { state.failure = failure } else { state.ended = true }
            let taker = state.taker
            state.taker = nil
            return (taker, failure.map { .failure($0) } ?? .success(nil))
        }
        taker?.resume(with: result)
    }
}
