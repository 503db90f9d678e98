@testable import Postgres
import Testing

/// What each task of a batch gets, for every order in which a batch can end: committed, rolled back, cut off
/// before or after its Sync, out of step. Without a database (`PipelineHarness`); the same rules run against
/// PostgreSQL in ReadPipelineTests and CommitGroupTests.
@Suite struct PipelineFailureOrderTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        let steps: [PipelineHarness.Step]
        let expected: [String: PipelineHarness.Outcome]

        init(_ name: String, _ steps: [PipelineHarness.Step], _ expected: [String: PipelineHarness.Outcome]) {
            self.name = name
            self.steps = steps
            self.expected = expected
        }

        var testDescription: String { name }
    }

    static let writeScenarios: [Scenario] = [
        Scenario("a committed batch: each write gets its answer",
                 [.send("a"), .send("b"), .sync, .rows("1"), .rows("2"), .syncBack],
                 ["a": .rows("1"), "b": .rows("2")]),
        Scenario("lost before the Sync: nothing can have committed, so each runs on the pool",
                 [.send("a"), .send("b"), .lost(.connectionUnavailable)],
                 ["a": .pool, "b": .pool]),
        Scenario("lost after the Sync, before any answer: the batch may have committed, so no rerun",
                 [.send("a"), .send("b"), .sync, .lost(.connectionUnavailable)],
                 ["a": .error("connectionUnavailable"), "b": .error("connectionUnavailable")]),
        Scenario("lost after every answer, before the Sync is back: may have committed",
                 [.send("a"), .send("b"), .sync, .rows("1"), .rows("2"), .lost(.connectionUnavailable)],
                 ["a": .error("connectionUnavailable"), "b": .error("connectionUnavailable")]),
        Scenario("the Sync fails to queue: it may have gone out halfway",
                 [.send("a"), .syncFails],
                 ["a": .error("connectionUnavailable")]),
        Scenario("past the client deadline after the Sync",
                 [.send("a"), .sync, .lost(.timeout)],
                 ["a": .error("timeout")]),
        Scenario("out of step after the Sync",
                 [.send("a"), .sync, .lost(.protocolViolation)],
                 ["a": .error("protocolViolation")]),
        Scenario("a write errors mid-batch: the batch rolls back and each write runs again alone",
                 [.send("a"), .send("b"), .send("c"), .sync, .rows("1"), .error("23505"), .aborted, .syncBack],
                 ["a": .pool, "b": .pool, "c": .pool]),
        Scenario("a Prepare fails mid-batch: rolled back too",
                 [.send("a"), .send("b", isNew: true), .sync, .rows("1"), .error("42P01"), .aborted, .syncBack],
                 ["a": .pool, "b": .pool]),
        Scenario("lost with a write of the next batch held: the synced one may have committed, the held one not",
                 [.send("a"), .sync, .send("b"), .rows("1"), .lost(.connectionUnavailable)],
                 ["a": .error("connectionUnavailable"), "b": .pool]),
        Scenario("one batch committed, the next lost before its Sync",
                 [.send("a"), .sync, .send("b"), .rows("1"), .syncBack, .lost(.connectionUnavailable)],
                 ["a": .rows("1"), "b": .pool]),
        Scenario("one batch committed, the next lost after its Sync",
                 [.send("a"), .sync, .send("b"), .rows("1"), .syncBack, .sync, .lost(.connectionUnavailable)],
                 ["a": .rows("1"), "b": .error("connectionUnavailable")]),
    ]

    static let readScenarios: [Scenario] = [
        Scenario("each read gets its answer",
                 [.send("a"), .send("b"), .sync, .rows("1"), .rows("2"), .syncBack],
                 ["a": .rows("1"), "b": .rows("2")]),
        Scenario("a read errors mid-batch: it gets its error, those before keep theirs, the aborted rest run on the pool",
                 [.send("a"), .send("b"), .send("c"), .sync, .rows("1"), .error("22012"), .aborted, .syncBack],
                 ["a": .rows("1"), "b": .error("22012"), "c": .pool]),
        Scenario("lost before the Sync",
                 [.send("a"), .lost(.connectionUnavailable)],
                 ["a": .pool]),
        Scenario("lost after the Sync: a read is safe to run again",
                 [.send("a"), .send("b"), .sync, .rows("1"), .lost(.connectionUnavailable)],
                 ["a": .rows("1"), "b": .pool]),
        Scenario("out of step: run again on the pool",
                 [.send("a"), .sync, .lost(.protocolViolation)],
                 ["a": .pool]),
        Scenario("past the client deadline: every read in flight gives up",
                 [.send("a"), .send("b"), .sync, .lost(.timeout)],
                 ["a": .error("timeout"), "b": .error("timeout")]),
        Scenario("lost while reads are held for the Sync",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .lost(.connectionUnavailable)],
                 ["a": .pool, "b": .pool]),
        Scenario("lost while held reads are on the wire, merged",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .sync, .lost(.connectionUnavailable)],
                 ["a": .pool, "b": .pool]),
        Scenario("lost with reads held behind the batch out",
                 [.send("a"), .sync, .hold("b", value: "2"), .send("c"), .lost(.connectionUnavailable)],
                 ["a": .pool, "b": .pool, "c": .pool]),
        Scenario("a Prepare that fails is the statement's error; its Execute comes back aborted",
                 [.send("a", isNew: true), .send("b"), .sync, .error("42P01"), .aborted, .aborted, .syncBack],
                 ["a": .error("42P01"), "b": .pool]),
        Scenario("a stale prepared statement runs on the pool",
                 [.send("a"), .sync, .error("0A000"), .syncBack],
                 ["a": .pool]),
        Scenario("merged runs each get their own rows, in order",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .hold("c", value: "3"), .sync,
                  .tagged("3:c1,1:a1,3:c2"), .syncBack],
                 ["a": .rows("a1"), "b": .rows(""), "c": .rows("c1,c2")]),
        Scenario("merged rows that cannot be told apart: each run goes to the pool",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .sync, .tagged("7:x"), .syncBack],
                 ["a": .pool, "b": .pool]),
        Scenario("a merged statement refused for its form: each run goes to the pool",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .sync, .error("42883"), .syncBack],
                 ["a": .pool, "b": .pool]),
        Scenario("a merged statement refused for one run's value: each run goes to the pool",
                 [.hold("a", value: "1"), .hold("b", value: "x"), .sync, .error("22P02"), .syncBack],
                 ["a": .pool, "b": .pool]),
        Scenario("a merged statement's Prepare refused: each run goes to the pool",
                 [.hold("a", value: "1"), .hold("b", value: "2"), .send("c"), .syncPreparing, .rows("3"),
                  .error("42883"), .aborted, .syncBack],
                 ["a": .pool, "b": .pool, "c": .rows("3")]),
        Scenario("a Sync back with no batch out: out of step, everything in flight to the pool",
                 [.send("a"), .syncBack],
                 ["a": .pool]),
        Scenario("a Sync back while a statement sent before it is unanswered: out of step",
                 [.send("a"), .sync, .syncBack],
                 ["a": .pool]),
    ]

    func check(_ mode: PipelineMode, _ scenario: Scenario) {
        let harness = PipelineHarness(mode)
        harness.run(scenario.steps)
        for (task, expected) in scenario.expected {
            #expect(harness.isFinished(task), "\(task) unfinished")
            #expect(harness.outcome(task) == expected, "\(task)")
        }
        #expect(harness.machine.unfinished == 0)
    }

    @Test(arguments: writeScenarios) func groupCommit(_ scenario: Scenario) { check(.commitGroups, scenario) }

    @Test(arguments: readScenarios) func readPipeline(_ scenario: Scenario) { check(.reads, scenario) }

    /// Writes commit with their batch's Sync, so no answer is handed out before it; a read's is handed out at once.
    @Test func writesWaitForTheirSyncAndReadsDoNot() {
        for mode in [PipelineMode.commitGroups, .reads] {
            let harness = PipelineHarness(mode)
            harness.run([.send("a"), .send("b"), .sync])
            harness.machine.waiting(harness.tickets["a"]!)
            harness.run([.rows("1"), .rows("2")])
            #expect(harness.isFinished("a") == (mode == .reads), "\(mode)")
            #expect(harness.takeEffects().contains(.resume("a")) == (mode == .reads), "\(mode)")
            harness.run(.syncBack)
            #expect(harness.isFinished("a") && harness.isFinished("b"))
            #expect(harness.takeEffects().contains(.resume("a")) == (mode == .commitGroups), "\(mode)")
        }
    }

    @Test func aFailedConnectionIsLetGoOnceAndAnsweredEventsOfItAreIgnored() {
        let harness = PipelineHarness(.reads)
        harness.run([.send("a"), .sync])
        let epoch = harness.machine.epoch
        harness.run([.lost(.connectionUnavailable), .lost(.timeout)])
        #expect(harness.takeEffects().filter { $0 == .dropConnection }.count == 1)
        #expect(harness.outcome("a") == .pool)
        // A Sync scheduled for the lost connection finds a new one: it is not that connection's to send.
        let reopens = harness.machine.connectionWanted(now: harness.start)
        #expect(reopens)
        harness.machine.connectionOpened()
        harness.run(.send("b"))
        let oldSyncGoes = harness.machine.syncDue(epoch: epoch)
        let newSyncGoes = harness.machine.syncDue(epoch: harness.machine.epoch)
        #expect(!oldSyncGoes && newSyncGoes)
    }

    /// libpq gives at most two NULL results between real ones; a third in a row means it lost track.
    @Test func aThirdEmptyResultInARowIsOutOfStep() {
        let harness = PipelineHarness(.reads)
        harness.run([.send("a"), .sync])
        harness.machine.noResult()
        harness.machine.noResult()
        harness.run(.rows("1"))
        harness.machine.noResult()
        harness.machine.noResult()
        #expect(harness.machine.isOpen)
        harness.machine.noResult()
        #expect(!harness.machine.isOpen)
        #expect(harness.takeEffects().contains(.dropConnection))
    }

    @Test func aResultWithNothingOnTheWireIsOutOfStep() {
        for step in [PipelineHarness.Step.rows("1"), .error("22012"), .aborted] {
            let harness = PipelineHarness(.reads)
            harness.run(step)
            #expect(!harness.machine.isOpen, "\(step)")
            #expect(harness.takeEffects() == [.dropConnection], "\(step)")
        }
    }

    /// A reader whose statement is not answered and finds nothing on the wire: libpq lost track.
    @Test func aReaderWithNothingToReadIsOutOfStep() {
        let harness = PipelineHarness(.reads)
        harness.run(.hold("a", value: "1"))
        #expect(harness.machine.readStep(for: harness.tickets["a"]!) == .stop)
        #expect(!harness.machine.isOpen)
        #expect(harness.outcome("a") == .pool)
    }
}
