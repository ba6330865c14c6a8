import AutopipeOperators
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

    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// Which thread ran each piece, and whether every piece ran exactly once.
    final class Record: @unchecked Sendable {
        let lock = NSLock()
        var runs: [Int: [String]] = [:]
        func note(_ i: Int) {
            let name = String(describing: pthread_self())
            lock.withLock { runs[i, default: []].append(name) }
        }
    }

    @Test("an idle thread helps a running item's pieces; each piece runs once; busy threads leave pieces to the caller")
    func idleHelpers() async throws {
        let pool = WorkerPool(threads: 2)
        let helpers = pool.helpers
        // One item alone: once the other thread waits for work, it takes pieces (each piece waits a little, so
        // it gets some). A fresh pool's second thread may still be starting: try again a few times.
        var alone = Record()
        for _ in 0..<50 {
            let record = Record()
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                pool.submit {
                    helpers.run(40) { i in
                        record.note(i)
                        Thread.sleep(forTimeInterval: 0.002)
                    }
                    done.resume()
                }
            }
            alone = record
            #expect(record.runs.count == 40 && record.runs.values.allSatisfy { $0.count == 1 })
            if Set(record.runs.values.map { $0[0] }).count == 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(Set(alone.runs.values.map { $0[0] }).count == 2, "both threads ran pieces: \(alone.runs)")

        // Two items at once: no thread is idle, so each caller runs all of its pieces itself, in order.
        let first = Record(), second = Record()
        let gate = Counter(), finished = Counter()
        await withTaskGroup(of: Void.self) { group in
            for record in [first, second] {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        pool.submit {
                            // Both items are running before either asks for help,
                            gate.add()
                            while gate.value < 2 { Thread.sleep(forTimeInterval: 0.001) }
                            helpers.run(10) { i in record.note(i) }
                            // And neither goes idle before both are done.
                            finished.add()
                            while finished.value < 2 { Thread.sleep(forTimeInterval: 0.001) }
                            done.resume()
                        }
                    }
                }
            }
        }
        for record in [first, second] {
            #expect(record.runs.count == 10 && record.runs.values.allSatisfy { $0.count == 1 })
            #expect(Set(record.runs.values.map { $0[0] }).count == 1)
        }
    }
}
