@testable import Postgres
import Testing

/// The pipeline's rules of batching, reading and merging, without a database (`PipelineHarness`); what each task
/// gets when a batch ends badly is in PipelineFailureOrderTests.
@Suite struct PipelineStateMachineTests {
    typealias Machine = PipelineHarness.Machine

    /// At most one batch is out: statements asked for meanwhile wait for its Sync to come back, and their own Sync
    /// is then scheduled for just before the loop waits, not sent at once.
    @Test func statementsAskedWhileABatchIsOutGoWithTheNextSync() {
        let harness = PipelineHarness(.reads)
        harness.run(.send("a"))
        #expect(harness.takeEffects() == [.scheduleSync])
        harness.run([.sync, .send("b"), .hold("c", value: "3")])
        // One Sync is scheduled per batch, however many statements join it.
        #expect(harness.takeEffects() == [.scheduleSync])
        let goesWhileABatchIsOut = harness.machine.syncDue(epoch: harness.machine.epoch)
        #expect(!goesWhileABatchIsOut)
        harness.run([.rows("1"), .syncBack])
        #expect(harness.takeEffects() == [.scheduleSync])
        harness.run(.sync)
        #expect(harness.machine.batchOut)
        #expect(harness.heldSends.map(\.members.count) == [1])
        harness.run([.rows("2"), .rows("3"), .syncBack])
        #expect(harness.outcome("b") == .rows("2"))
        #expect(harness.outcome("c") == .rows("3"))
        // Nothing is waiting: no Sync is scheduled.
        #expect(!harness.takeEffects().contains(.scheduleSync))
    }

    /// The task of the oldest statement reads for everyone; when its own answer is in it passes the role to the
    /// next task still waiting, and reads the batch's Sync first when only that is left.
    @Test func theReaderRolePassesToTheOldestWaitingTask() {
        let harness = PipelineHarness(.reads)
        harness.run(.send("a"))
        let a = harness.tickets["a"]!
        #expect(!harness.machine.mustWait(a))
        harness.machine.readerStarted()
        harness.run([.send("b"), .send("c")])
        #expect(harness.machine.mustWait(harness.tickets["b"]!))
        harness.run(.sync)
        #expect(harness.machine.readStep(for: a) == .read(until: harness.start + .seconds(1)))
        harness.run(.rows("1"))
        #expect(harness.machine.readStep(for: a) == .stop)
        _ = harness.takeEffects()
        harness.machine.readerStopped()
        #expect(harness.takeEffects() == [.resume("b")])
        #expect(harness.machine.hasReader)
        let b = harness.tickets["b"]!
        harness.run([.rows("2"), .rows("3")])
        #expect(harness.takeEffects() == [.resume("c")])
        // b's answer and c's are in; only the Sync is left, and b reads it.
        #expect(harness.machine.readStep(for: b) == .read(until: nil))
        harness.run(.syncBack)
        #expect(harness.machine.readStep(for: b) == .stop)
        harness.machine.readerStopped()
        #expect(!harness.machine.hasReader)
        #expect(harness.takeEffects().isEmpty)
    }

    /// Held reads wait for the Sync; its sending wakes the first of them to read, unless a reader is at work.
    @Test func heldReadsWaitUntilTheirSyncGoesOutAndTheFirstReads() {
        let harness = PipelineHarness(.reads)
        harness.run([.hold("a", value: "1"), .hold("b", value: "2")])
        #expect(harness.machine.mustWait(harness.tickets["a"]!))
        _ = harness.takeEffects()
        harness.run(.sync)
        #expect(harness.takeEffects() == [.resume("a")])
        #expect(harness.heldSends.count == 1)
        #expect(harness.heldSends[0].mergedDigest == PipelineHarness.mergeable.digest)
        #expect(harness.heldSends[0].sql.binds == [.text(#"{"1","2"}"#)])
        harness.run([.tagged("2:y,1:x"), .syncBack])
        #expect(harness.takeEffects() == [.countMerged(2), .resume("b")])
        #expect(harness.outcome("a") == .rows("x"))
        #expect(harness.outcome("b") == .rows("y"))
    }

    /// Only a refusal of the merged statement's form (SQLSTATE class 42) turns merging off for its statement; a
    /// failure of one run's value (class 22), or any other, leaves it on.
    @Test(arguments: [("42883", false), ("42804", false), ("42P18", false), ("22P02", true), ("22021", true),
                      ("57014", true), ("0A000", true)])
    func mergingStaysOnUnlessTheMergedFormIsRefused(sqlState: String, staysOn: Bool) {
        let harness = PipelineHarness(.reads)
        harness.run([.hold("a", value: "1"), .hold("b", value: "2"), .sync, .error(sqlState), .syncBack])
        #expect(harness.outcome("a") == .pool)
        #expect(harness.outcome("b") == .pool)
        let stale = sqlState == "0A000"
        #expect(harness.takeEffects().contains(.forgetPrepared(text: harness.heldSends[0].sql.text, onlyIfNamed: nil)) == stale)
        harness.run([.hold("c", value: "3"), .hold("d", value: "4"), .sync])
        // Refused, the runs are no longer held for the Sync: each goes out at once, on its own.
        #expect(harness.heldSends.dropFirst().map { $0.mergedDigest != nil } == (staysOn ? [true] : []))
        var next = PipelineHarness.mergeable
        next.binds = [.text("5")]
        #expect((harness.machine.statementAsked(next) == .sendNow) == !staysOn)
    }

    @Test func aRunAloneIsNotMergedAndOneThatCannotMergeIsNotHeld() {
        let harness = PipelineHarness(.reads)
        harness.run([.hold("a", value: "1"), .sync])
        #expect(harness.heldSends.map(\.mergedDigest) == [nil])
        #expect(harness.heldSends[0].sql.text == PipelineHarness.mergeable.text)
        var binary = PipelineHarness.mergeable
        binary.binds = [.binary([1])]
        harness.run([.rows("1"), .syncBack])
        // Never mergeable, so never held: it goes out at once.
        #expect(harness.machine.statementAsked(binary) == .sendNow)
        var bare = PipelineHarness.mergeable
        bare.binds = []
        #expect(harness.machine.statementAsked(bare) == .sendNow)
    }

    /// Writes are never merged nor held: each goes out at once.
    @Test func writesGoOutAtOnceEvenWhenTheyCouldMerge() {
        let harness = PipelineHarness(.commitGroups)
        #expect(harness.machine.statementAsked(PipelineHarness.mergeable) == .sendNow)
    }

    /// A Prepare that failed (or was aborted) leaves the server without the name: it is dropped, unless the
    /// text has been prepared under another name meanwhile.
    @Test func aFailedPrepareForgetsItsNameAndAStaleReadItsText() {
        let harness = PipelineHarness(.reads)
        harness.run([.send("a", isNew: true), .send("b", isNew: true), .sync, .error("42P01"), .aborted,
                      .aborted, .aborted, .syncBack])
        let forgotten = harness.takeEffects().compactMap { effect -> String? in
            if case .forgetPrepared(_, let name?) = effect { return name }
            return nil
        }
        #expect(forgotten == ["ea_a", "ea_b"])
        harness.run([.send("c"), .sync, .error("26000"), .syncBack])
        #expect(harness.outcome("c") == .pool)
        #expect(harness.takeEffects().contains { if case .forgetPrepared(_, nil) = $0 { true } else { false } })
    }

    /// A stale statement of a rolled-back batch of writes is forgotten, so that its rerun prepares it afresh.
    @Test func aStaleWriteOfARolledBackBatchIsForgotten() {
        let harness = PipelineHarness(.commitGroups)
        harness.run([.send("a"), .send("b"), .sync, .error("0A000"), .aborted, .syncBack])
        #expect(harness.outcome("a") == .pool)
        #expect(harness.outcome("b") == .pool)
        let names = harness.takeEffects().compactMap { effect -> String? in
            if case .forgetPrepared(_, let name?) = effect { return name }
            return nil
        }
        #expect(names == ["ea_a"])
    }

    @Test func oneTaskOpensTheConnectionAndAFailedConnectPausesThePipeline() {
        var machine = Machine(mode: .reads)
        let start = ContinuousClock.now
        let asked = [
            machine.connectionWanted(now: start),
            machine.connectionWanted(now: start),
            { machine.connectionNotOpened(now: start); return machine.connectionWanted(now: start + .milliseconds(999)) }(),
            machine.connectionWanted(now: start + Machine.reconnectPause),
            { machine.connectionOpened(); return machine.connectionWanted(now: start + .seconds(5)) }(),
        ]
        // The first opens; the second waits for it; a failed connect pauses a second; an open one needs no other.
        #expect(asked == [true, false, false, true, false])
        #expect(machine.isCurrent(1))
    }

    /// A stopped pool's pipeline lets its connection go once nothing is in flight.
    @Test func aStoppedPipelineLetsItsConnectionGoWhenIdle() {
        let harness = PipelineHarness(.reads)
        harness.run(.send("a"))
        harness.machine.connectionReleased()
        #expect(harness.machine.isOpen)
        harness.run([.sync, .rows("1"), .syncBack])
        _ = harness.outcome("a")
        _ = harness.takeEffects()
        harness.machine.connectionReleased()
        #expect(!harness.machine.isOpen)
        #expect(harness.takeEffects() == [.dropConnection])
    }

    @Test(arguments: [PipelineMode.reads, .commitGroups])
    func pastItsCapacityThePipelineHasNoRoom(mode: PipelineMode) {
        let harness = PipelineHarness(mode)
        for task in 0..<mode.capacity {
            #expect(harness.machine.hasRoom)
            harness.run(.send("t\(task)"))
        }
        #expect(!harness.machine.hasRoom)
        harness.run(.sync)
        harness.run(.rows("1"))
        #expect(harness.machine.hasRoom == (mode == .reads))
    }

    /// Tickets are reused once taken, so a steady load keeps the machine's storage the same size.
    @Test func ticketsAreReused() {
        let harness = PipelineHarness(.reads)
        for round in 0..<10 {
            harness.run([.send("a"), .send("b"), .sync, .rows("\(round)"), .rows("x"), .syncBack])
            #expect(harness.outcome("a") == .rows("\(round)"))
            #expect(harness.outcome("b") == .rows("x"))
        }
        #expect(harness.machine.entries.count == 2)
    }
}
