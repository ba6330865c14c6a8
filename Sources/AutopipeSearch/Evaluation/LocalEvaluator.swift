import AutopipeOperators
import Foundation

/// Evaluates pipelines on `--jobs` threads of this process.
public final class LocalEvaluator: Evaluator, @unchecked Sendable {
    public let problem: EvaluationProblem
    public let pool: WorkerPool
    /// Stops running evaluations when the search ends early (time limit, interrupt).
    public let cancellation: CancellationToken

    public init(problem: EvaluationProblem, jobs: Int, cancellation: CancellationToken = CancellationToken()) {
        self.problem = problem
        pool = WorkerPool(threads: jobs)
        self.cancellation = cancellation
    }

    deinit { pool.shutdown() }

    public func evaluate(_ jobs: [EvaluationJob], onResult: @escaping @Sendable (EvaluationResult) -> Void) async throws
        -> [EvaluationResult]
    {
        if jobs.isEmpty { return [] }
        let collector = ResultCollector(count: jobs.count)
        return await withCheckedContinuation { continuation in
            collector.onComplete = { continuation.resume(returning: $0) }
            for (index, job) in jobs.enumerated() {
                let problem = self.problem
                let cancellation = self.cancellation
                pool.submit {
                    let result = problem.evaluate(job, cancellation: cancellation)
                    onResult(result)
                    collector.store(result, at: index)
                }
            }
        }
    }
}

/// Gathers results in job order and reports when all are in.
final class ResultCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [EvaluationResult?]
    private var remaining: Int
    var onComplete: (([EvaluationResult]) -> Void)?

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        remaining = count
    }

    func store(_ result: EvaluationResult, at index: Int) {
        lock.lock()
        results[index] = result
        remaining -= 1
        let done = remaining == 0
        let complete = done ? onComplete : nil
        let all = done ? results.compactMap { $0 } : []
        lock.unlock()
        complete?(all)
    }
}
