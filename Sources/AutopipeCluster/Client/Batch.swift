import AutopipeSearch
import Foundation

/// The jobs of one `evaluate` call: results by position, completed at most once each (the first copy to finish
/// wins when a job ran both on a worker and locally), and a continuation resumed when all are in.
final class Batch: @unchecked Sendable {
    let jobs: [EvaluationJob]
    /// Task ids are `firstID + index`.
    let firstID: UInt64
    private let onResult: @Sendable (EvaluationResult) -> Void
    private let lock = NSLock()
    private var results: [EvaluationResult?]
    private var payloads: [[UInt8]?]
    private var remaining: Int
    private var takenLocally: Set<Int> = []
    private var nextLocal: Int
    private var failure: (any Error)?
    private var continuation: CheckedContinuation<[EvaluationResult], any Error>?

    init(jobs: [EvaluationJob], firstID: UInt64, onResult: @escaping @Sendable (EvaluationResult) -> Void) {
        self.jobs = jobs
        self.firstID = firstID
        self.onResult = onResult
        results = Array(repeating: nil, count: jobs.count)
        payloads = Array(repeating: nil, count: jobs.count)
        remaining = jobs.count
        nextLocal = jobs.count - 1
    }

    func index(of id: UInt64) -> Int? {
        guard id >= firstID, id - firstID < UInt64(jobs.count) else { return nil }
        return Int(id - firstID)
    }

    /// The job's wire form (encoded once, kept for resubmission).
    func payload(_ index: Int) -> [UInt8] {
        if let p = lock.withLock({ payloads[index] }) { return p }
        let p = JobCodec.encode(jobs[index])
        lock.withLock { payloads[index] = p }
        return p
    }

    var isFinished: Bool { lock.withLock { remaining == 0 || failure != nil } }

    var pendingIndices: [Int] { lock.withLock { results.indices.filter { results[$0] == nil } } }

    /// The highest-numbered job not finished and not yet taken by a local thread.
    func takeLocal() -> Int? {
        lock.withLock {
            guard failure == nil else { return nil }
            while nextLocal >= 0 {
                let i = nextLocal
                nextLocal -= 1
                if results[i] == nil && takenLocally.insert(i).inserted { return i }
            }
            return nil
        }
    }

    func complete(_ index: Int, _ result: EvaluationResult) {
        let (first, done): (Bool, [EvaluationResult]?) = lock.withLock {
            guard results[index] == nil, failure == nil else { return (false, nil) }
            results[index] = result
            remaining -= 1
            return (true, remaining == 0 ? results.compactMap { $0 } : nil)
        }
        guard first else { return }
        onResult(result)
        if let done { resume(.success(done)) }
    }

    func fail(_ error: any Error) {
        let proceed: Bool = lock.withLock {
            guard failure == nil, remaining > 0 else { return false }
            failure = error
            return true
        }
        if proceed { resume(.failure(error)) }
    }

    func wait() async throws -> [EvaluationResult] {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<[EvaluationResult], any Error>? = lock.withLock {
                if let failure { return .failure(failure) }
                if remaining == 0 { return .success(results.compactMap { $0 }) }
                self.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func resume(_ result: Result<[EvaluationResult], any Error>) {
        let c: CheckedContinuation<[EvaluationResult], any Error>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        c?.resume(with: result)
    }
}
