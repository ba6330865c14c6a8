import Dispatch
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Parses the pieces of a file on several threads and hands them to the assembler in file order.
///
/// Each worker takes the next piece, parses it, and stores it; whichever worker finds the next piece in order
/// ready merges it (and any that follow). Workers do not start a piece more than `window` pieces ahead of the
/// merge, which bounds the memory held by parsed-but-unmerged pieces.
final class CSVPieceScheduler: @unchecked Sendable {
    private let settings: CSVPieceSettings
    private let starts: [Int]
    private let assembler: CSVTableAssembler
    private let headerEndedWithCR: Bool
    private let window: Int
    private let monitor = Monitor()
    private var next = 0
    private var merged = 0
    private var merging = false
    private var stopped = false
    private var failure: Error?
    private var ready: [CSVPieceResult?]

    init(settings: CSVPieceSettings, starts: [Int], assembler: CSVTableAssembler, headerEndedWithCR: Bool,
         workers: Int) {
        self.settings = settings
        self.starts = starts
        self.assembler = assembler
        self.headerEndedWithCR = headerEndedWithCR
        window = workers + 2
        ready = Array(repeating: nil, count: starts.count)
    }

    func run(workers: Int) throws {
        if workers <= 1 {
            work()
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in self.work() }
        }
        if let failure { throw failure }
    }

    private func parse(_ index: Int) -> CSVPieceResult {
        let end = index + 1 < starts.count ? starts[index + 1] : settings.file.size
        return CSVPieceParser.parse(settings, start: starts[index], nominalEnd: end, speculative: index > 0,
                                    afterCR: index == 0 && headerEndedWithCR)
    }

    private func work() {
        monitor.lock()
        while true {
            while !stopped && next < starts.count && next >= merged + window { monitor.wait() }
            if stopped || next >= starts.count { break }
            let index = next
            next += 1
            monitor.unlock()
            let piece = parse(index)
            monitor.lock()
            ready[index] = piece
            if merging { continue }
            merging = true
            while !stopped, merged < starts.count, let piece = ready[merged] {
                ready[merged] = nil
                monitor.unlock()
                var error: Error?
                do { try assembler.offer(piece) } catch let caught { error = caught }
                monitor.lock()
                if let error {
                    failure = error
                    stopped = true
                }
                merged += 1
                monitor.broadcast()
            }
            merging = false
        }
        monitor.unlock()
    }
}

/// A mutex with a condition variable.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func wait() { pthread_cond_wait(condition, mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }
}
