import AutopipeData
import AutopipeOperators
import Foundation

/// A fixed set of threads running blocking, CPU-bound work items (pipeline fits must not block Swift's
/// cooperative pool). Work runs in submission order, `threads` at a time; a thread with no item to take helps a
/// running item's fit (`helpers`).
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
            let thread = Thread { work.serve() }
            thread.name = "autopipe-eval-\(i)"
            thread.stackSize = 64 << 20   // deep trees recurse
            thread.start()
        }
    }

    deinit { work.stop() }

    /// Stops the threads once the queue is empty.
    public func shutdown() { work.stop() }

    public func submit(_ item: @escaping @Sendable () -> Void) { work.submit(item) }

    /// The pool's threads as `IdleHelpers` for the fits its work items run: a thread with no work item to take
    /// runs pieces of a running fit instead of waiting (work items always go first).
    public var helpers: any IdleHelpers { work }

    /// Wall-clock seconds the threads have spent running work items, summed over threads. Divided by
    /// (wall time x threads) it says how well the threads were kept fed, whatever else runs on the machine.
    public var busySeconds: Double { work.busySeconds }

    /// The queue and the threads' shared state, guarded by `condition`.
    private final class Queue: IdleHelpers, @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [@Sendable () -> Void] = []
        private var head = 0
        private var stopping = false
        private var busy: Double = 0
        /// Threads waiting for work.
        private var idle = 0
        /// Pieces of fits open to idle threads (`run(_:_:)`).
        private var regions: [Region] = []

        /// One `run(_:_:)` call: its pieces, the next one to take and how many have finished.
        private final class Region {
            let count: Int
            let body: @Sendable (Int) -> Void
            var next = 0
            var done = 0
            init(count: Int, body: @escaping @Sendable (Int) -> Void) {
                self.count = count
                self.body = body
            }
        }

        private var openRegion: Region? { regions.first { $0.next < $0.count } }

        func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
            condition.lock()
            guard idle > 0, count > 1 else {
                condition.unlock()
                for i in 0..<count { body(i) }
                return
            }
            let region = Region(count: count, body: body)
            regions.append(region)
            condition.broadcast()
            while region.next < region.count {
                let i = region.next
                region.next += 1
                condition.unlock()
                body(i)
                condition.lock()
                region.done += 1
            }
            while region.done < region.count { condition.wait() }
            regions.removeAll { $0 === region }
            condition.unlock()
        }

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

        /// A thread's loop: work items first, then pieces of a running fit, else wait.
        func serve() {
            while true {
                condition.lock()
                while head == items.count && !stopping && openRegion == nil {
                    idle += 1
                    condition.wait()
                    idle -= 1
                }
                if head == items.count, let region = openRegion {
                    let i = region.next
                    region.next += 1
                    condition.unlock()
                    let start = ContinuousClock.now
                    region.body(i)
                    let seconds = start.secondsElapsed
                    condition.lock()
                    region.done += 1
                    busy += seconds
                    if region.done == region.count { condition.broadcast() }
                    condition.unlock()
                    continue
                }
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
                let seconds = start.secondsElapsed
                condition.lock()
                busy += seconds
                condition.unlock()
            }
        }
    }
}
