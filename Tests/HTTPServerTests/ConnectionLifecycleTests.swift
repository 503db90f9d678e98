import HTTP1
import HTTPServer
import Testing

@Suite struct ConnectionLifecycleTests {
    typealias Lifecycle = ConnectionLifecycle<ContinuousClock.Instant>
    let start = ContinuousClock.now
    let timeouts = Lifecycle.Timeouts(headerRead: .seconds(10), bodyRead: .seconds(30), idle: .seconds(60))

    @Test func servesKeepAliveRequestThenIdles() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        #expect(machine.bytesArrived(now: start) == .parse)
        #expect(machine.headParsed(keepAlive: true, hasBody: false, now: start) == .dispatch)
        #expect(machine.deadline == nil)
        #expect(machine.responseReady() == .write(closeAfter: false))
        #expect(machine.writeCompleted(now: start + .seconds(1), hasBufferedBytes: false) == .none)
        #expect(machine.state == .idle(since: start + .seconds(1)))
        #expect(machine.deadline == start + .seconds(61))
    }

    @Test func parsesPipelinedBytesAfterWriting() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        #expect(machine.headParsed(keepAlive: true, hasBody: true, now: start) == .reserveBody)
        #expect(machine.bodyReserved(now: start) == .readBody)
        #expect(machine.bodyCompleted() == .dispatch)
        _ = machine.responseReady()
        #expect(machine.writeCompleted(now: start, hasBufferedBytes: true) == .parse)
    }

    @Test func closesAfterRequestWithoutKeepAlive() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        _ = machine.headParsed(keepAlive: false, hasBody: false, now: start)
        #expect(machine.responseReady() == .write(closeAfter: true))
        #expect(machine.writeCompleted(now: start, hasBufferedBytes: true) == .close)
    }

    @Test func timesOutSlowHeadWith408ButSilentConnectionQuietly() {
        var slow = Lifecycle(timeouts: timeouts, now: start)
        _ = slow.bytesArrived(now: start)
        #expect(slow.timerFired(now: start + .seconds(9)) == .none)
        #expect(slow.timerFired(now: start + .seconds(10)) == .writeError(.requestTimeout))
        var silent = Lifecycle(timeouts: timeouts, now: start)
        #expect(silent.timerFired(now: start + .seconds(10)) == .close)
    }

    @Test func timesOutSlowBodyWith408() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        _ = machine.headParsed(keepAlive: true, hasBody: true, now: start)
        _ = machine.bodyReserved(now: start + .seconds(1))
        #expect(machine.timerFired(now: start + .seconds(30)) == .none)
        #expect(machine.timerFired(now: start + .seconds(31)) == .writeError(.requestTimeout))
        #expect(machine.keepAlive == false)
    }

    @Test func closesIdleConnectionSilently() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        _ = machine.headParsed(keepAlive: true, hasBody: false, now: start)
        _ = machine.responseReady()
        _ = machine.writeCompleted(now: start, hasBufferedBytes: false)
        #expect(machine.timerFired(now: start + .seconds(60)) == .close)
    }

    @Test func shutdownClosesIdleAndFinishesBusy() {
        var idle = Lifecycle(timeouts: timeouts, now: start)
        #expect(idle.shutdownRequested() == .close)
        var busy = Lifecycle(timeouts: timeouts, now: start)
        _ = busy.bytesArrived(now: start)
        _ = busy.headParsed(keepAlive: true, hasBody: false, now: start)
        #expect(busy.shutdownRequested() == .none)
        #expect(busy.responseReady() == .write(closeAfter: true))
        #expect(busy.writeCompleted(now: start, hasBufferedBytes: false) == .close)
    }

    @Test func protocolErrorAnswersOnlyBeforeAResponseStarted() {
        var reading = Lifecycle(timeouts: timeouts, now: start)
        #expect(reading.protocolError(.badRequest) == .writeError(.badRequest))
        var handling = Lifecycle(timeouts: timeouts, now: start)
        _ = handling.bytesArrived(now: start)
        _ = handling.headParsed(keepAlive: true, hasBody: false, now: start)
        #expect(handling.protocolError(.badRequest) == .close)
    }

    @Test func peerCloseStillWritesPendingResponse() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        _ = machine.headParsed(keepAlive: true, hasBody: false, now: start)
        #expect(machine.peerClosed() == .none)
        #expect(machine.responseReady() == .write(closeAfter: true))
    }

    @Test func dropsPeerThatStopsReading() {
        var machine = Lifecycle(timeouts: timeouts, now: start)
        _ = machine.bytesArrived(now: start)
        _ = machine.headParsed(keepAlive: true, hasBody: false, now: start)
        _ = machine.responseReady()
        machine.writeProgressed(now: start + .seconds(5))
        #expect(machine.timerFired(now: start + .seconds(64)) == .none)
        #expect(machine.timerFired(now: start + .seconds(65)) == .close)
    }
}
