import Foundation

/// A fixed set of threads running blocking, CPU-bound work items (pipeline fits must not block Swift's
/// cooperative pool). Work runs in submission order, `threads` at a time.
public final class WorkerPool: @unchecked Sendable {
    public let threadCount: Int
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false
    private var threads: [Thread] = []
    private var busy: Double = 0

    public init(threads: Int) {
        threadCount = max(1, threads)
        for i in 0..<threadCount {
            let thread = Thread { [unowned self] in self.run() }
            thread.name = "autopipe-eval-\(i)"
            thread.stackSize = 64 << 20   // deep trees recurse
            self.threads.append(thread)
            thread.start()
        }
    }

    deinit {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the threads once the queue is empty.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    public func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while head == queue.count && !stopping { condition.wait() }
            if head == queue.count && stopping {
                condition.unlock()
                return
            }
            let work = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            let start = ContinuousClock.now
            work()
            let seconds = elapsed(since: start)
            condition.lock()
            busy += seconds
            condition.unlock()
        }
    }

    /// Wall-clock seconds the threads have spent running work items, summed over threads. Divided by
    /// (wall time x threads) it says how well the threads were kept fed, whatever else runs on the machine.
    public var busySeconds: Double {
        condition.lock()
        defer { condition.unlock() }
        return busy
    }
}
