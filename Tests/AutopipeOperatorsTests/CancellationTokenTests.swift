import AutopipeOperators
import Foundation
import Testing

@Suite("Cancellation tokens")
struct CancellationTokenTests {
    @Test("a time limit expires after its span (within a coarse clock tick), not before, and says its limit")
    func timeLimit() throws {
        let token = CancellationToken(timeLimit: 0.2)
        #expect(!token.isExpired)
        #expect(throws: Never.self) { try token.check() }
        Thread.sleep(forTimeInterval: 0.25)
        #expect(token.isExpired)
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) { try token.check() }
    }

    @Test("a deadline given as an instant, a past one, and a parent's deadline or cancellation stop the child")
    func deadlinesAndParents() throws {
        let past = CancellationToken(deadline: .now - .seconds(1), limitSeconds: 3)
        #expect(throws: OperatorError.timedOut(seconds: 3)) { try past.check() }
        let future = CancellationToken(deadline: .now + .seconds(60), limitSeconds: 60)
        #expect(!future.isExpired)

        let parent = CancellationToken(timeLimit: 0.05)
        let child = CancellationToken(timeLimit: 60, parent: parent)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(child.isExpired)
        #expect(throws: OperatorError.timedOut(seconds: 0.05)) { try child.check() }

        let stopping = CancellationToken()
        let below = CancellationToken(parent: stopping)
        #expect(!below.isCancelled)
        stopping.cancel()
        #expect(below.isCancelled)
        #expect(throws: OperatorError.cancelled) { try below.check() }
    }

    @Test("an unbounded limit never expires")
    func unbounded() throws {
        let token = CancellationToken(timeLimit: .infinity)
        #expect(!token.isExpired)
        #expect(throws: Never.self) { try token.check() }
    }
}
