import HTTPServer
import Testing

@Suite struct BodyBudgetTests {
    @Test func reservesUpToTheCeilingAndNoFurther() {
        let budget = BodyBudget(ceiling: 1000)
        #expect(budget.reserve(600))
        #expect(budget.reserve(400))
        #expect(!budget.reserve(1))
        #expect(budget.heldBytes == 1000)
    }

    @Test func aRefusedReservationLeavesNothingBehind() {
        let budget = BodyBudget(ceiling: 1000)
        #expect(budget.reserve(700))
        #expect(!budget.reserve(301))
        #expect(budget.heldBytes == 700)
        #expect(budget.reserve(300))
    }

    @Test func releasedBytesCanBeReservedAgain() {
        let budget = BodyBudget(ceiling: 1000)
        #expect(budget.reserve(1000))
        budget.release(400)
        #expect(budget.heldBytes == 600)
        #expect(budget.reserve(400))
        #expect(!budget.reserve(1))
    }

    @Test func zeroBytesAlwaysFitAndReleaseNothing() {
        let budget = BodyBudget(ceiling: 0)
        #expect(budget.reserve(0))
        budget.release(0)
        #expect(budget.heldBytes == 0)
        #expect(!budget.reserve(1))
    }

    /// Bodies over `smallBodyBytes` leave the last eighth to small ones, which may use it all.
    @Test func largeBodiesLeaveRoomForSmallOnes() {
        let large = BodyBudget.smallBodyBytes + 1
        let budget = BodyBudget(ceiling: 8 * large)
        for _ in 0..<7 { #expect(budget.reserve(large)) }
        #expect(!budget.reserve(large))
        #expect(budget.reserve(BodyBudget.smallBodyBytes))
        #expect(budget.reserve(8 * large - 7 * large - BodyBudget.smallBodyBytes))
        #expect(budget.heldBytes == budget.ceiling)
        #expect(!budget.reserve(1))
    }

    @Test func countsRefusals() {
        let budget = BodyBudget(ceiling: 10)
        budget.noteRefusal()
        budget.noteRefusal()
        #expect(budget.refusedRequests == 2)
    }

    /// Racing reservations from many threads never hold more than the ceiling between them.
    @Test func concurrentReservationsNeverExceedTheCeiling() async {
        let budget = BodyBudget(ceiling: 10_000)
        let peak = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var peak = 0
                    for _ in 0..<5_000 where budget.reserve(1_000) {
                        peak = max(peak, budget.heldBytes)
                        budget.release(1_000)
                    }
                    return peak
                }
            }
            return await group.reduce(0) { max($0, $1) }
        }
        #expect(peak <= 10_000)
        #expect(budget.heldBytes == 0)
    }
}

/// The lifecycle's part in body admission: the waits before a body is read, and how each ends.
@Suite struct BodyAdmissionLifecycleTests {
    typealias Lifecycle = ConnectionLifecycle<ContinuousClock.Instant>
    let start = ContinuousClock.now
    let timeouts = Lifecycle.Timeouts(
        headerRead: .seconds(10), bodyRead: .seconds(30), idle: .seconds(60), bodyBudgetWait: .seconds(1))

    func afterHead() -> Lifecycle {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        return machine
    }

    @Test func aWantedBodyWaitsForRoomWithoutReading() {
        var machine = afterHead()
        #expect(machine.headParsed(keepAlive: true, hasBody: true, now: start) == .reserveBody)
        #expect(!machine.wantsInput)
        #expect(machine.deadline == start + .seconds(1))
        #expect(machine.timerFired(now: start + .milliseconds(999)) == .none)
        #expect(machine.bodyReserved(now: start + .milliseconds(500)) == .readBody)
        #expect(machine.wantsInput)
        #expect(machine.deadline == start + .milliseconds(500) + .seconds(30))
    }

    @Test func noRoomWithinTheWaitRefusesAndCloses() {
        var machine = afterHead()
        _ = machine.headParsed(keepAlive: true, hasBody: true, now: start)
        #expect(machine.timerFired(now: start + .seconds(1)) == .refuseForBodyBudget)
        #expect(!machine.keepAlive)
        #expect(machine.writeCompleted(now: start + .seconds(1), hasBufferedBytes: true) == .close)
    }

    @Test func admissionComesBeforeTheBudget() {
        var machine = afterHead()
        #expect(machine.headNeedsAdmission(keepAlive: true) == .admitBody)
        #expect(!machine.wantsInput)
        #expect(machine.deadline == nil)
        #expect(machine.bodyReserved(now: start) == .none)
        #expect(machine.bodyAdmitted(now: start + .seconds(2)) == .reserveBody)
        #expect(machine.deadline == start + .seconds(3))
    }

    @Test func aRefusalOnTheHeadClosesAfterTheAnswer() {
        var machine = afterHead()
        #expect(machine.headRefused(keepAlive: false) == .write(closeAfter: true))
        #expect(machine.writeCompleted(now: start, hasBufferedBytes: true) == .close)
    }

    @Test func aRefusalWhoseBodyWasDroppedKeepsTheConnection() {
        var machine = afterHead()
        #expect(machine.headRefused(keepAlive: true) == .write(closeAfter: false))
        #expect(machine.writeCompleted(now: start, hasBufferedBytes: false) == .none)
        #expect(machine.state == .idle(since: start))
    }

    @Test func aRefusedAdmissionCloses() {
        var machine = afterHead()
        _ = machine.headNeedsAdmission(keepAlive: true)
        #expect(machine.headRefused(keepAlive: false) == .write(closeAfter: true))
    }

    @Test func aPeerThatLeavesWhileWaitingIsClosedOrForgotten() {
        var waiting = afterHead()
        _ = waiting.headParsed(keepAlive: true, hasBody: true, now: start)
        #expect(waiting.peerClosed() == .close)
        var admitting = afterHead()
        _ = admitting.headNeedsAdmission(keepAlive: true)
        #expect(admitting.peerClosed() == .none)
        #expect(!admitting.keepAlive)
    }
}
