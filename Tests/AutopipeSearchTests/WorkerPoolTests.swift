import AutopipeSearch
import Foundation
import Synchronization
import Testing

@Suite("Worker threads")
struct WorkerPoolTests {
    @Test("a pool dropped while its threads wait or start runs what was queued and leaves no thread behind it")
    func droppedPools() async throws {
        let done = Atomic<Int>(0)
        for round in 0..<300 {
            let pool = WorkerPool(threads: 2)
            // Half the pools get work, half are dropped at once (threads still starting or waiting).
            if round.isMultiple(of: 2) { pool.submit { done.add(1, ordering: .relaxed) } }
        }
        // Queued items still run after their pool is gone.
        let deadline = ContinuousClock.now + .seconds(10)
        while done.load(ordering: .relaxed) < 150 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(done.load(ordering: .relaxed) == 150)
    }
}
