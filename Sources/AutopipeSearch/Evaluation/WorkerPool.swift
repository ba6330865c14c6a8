import Foundation

/// A fixed set of threads running blocking, CPU-bound work items (pipeline fits must not block Swift's
/// cooperative pool). Work runs in submission order, `threads` at a time.
///
/// The threads hold the queue (`Queue`), not the pool: when the pool goes away they finish the queued work and
/// exit, and none of them can touch a pool that no longer exists.
public final class WorkerPool: Sendable {
    public let threadCount: Int
    private let work: Queue

    public init(threads: Int) {
        threadCount = max(1, threads)
        let work = Queue()
        self.work = work
        for i in 0..<threadCount {
            let thread = Thread { work.run() }
            thread.name = "autopipe-eval-\(i)"
            thread.stackSize = 64 << 20   // deep trees recurse
            thread.start()
        }
    }

    deinit { work.stop() }

    /// Stops the threads once the queue is empty.
    public func shutdown() { work.stop() }

    public func submit(_ item: @escaping @Sendable () -> Void) { work.submit(item) }

    /// Wall-clock seconds the threads have spent running work items, summed over threads. Divided by
    /// (wall time x threads) it says how well the threads were kept fed, whatever else runs on the machine.
    public var busySeconds: Double { work.busySeconds }

    /// The queue and the threads' shared state, guarded by `condition`.
    private final class Queue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [@Sendable () -> Void] = []
        private var head = 0
        private var stopping = false
        private var busy: Double = 0

        func stop() {
            condition.lock()
            stopping = true
            condition.broadcast()
            condition.unlock()
        }

        func submit(_ item: @escaping @Sendable () -> Void) {
            condition.lock()
            items.append(item)
            condition.signal()
            condition.unlock()
        }

        var busySeconds: Double {
            condition.lock()
            defer { condition.unlock() }
            return busy
        }

        func run() {
            while true {
                condition.lock()
                while head == items.count && !stopping { condition.wait() }
                if head == items.count && stopping {
                    condition.unlock()
                    return
                }
                let item = items[head]
                head += 1
                if head > 1024 && head * 2 > items.count {
                    items.removeFirst(head)
                    head = 0
                }
                condition.unlock()
                let start = ContinuousClock.now
                item()
                let seconds = elapsed(since: start)
                condition.lock()
                busy += seconds
                condition.unlock()
            }
        }
    }
}
