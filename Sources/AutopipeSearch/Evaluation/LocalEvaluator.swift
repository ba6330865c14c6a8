import AutopipeData
import AutopipeOperators
import Foundation

/// Evaluates pipelines on `--jobs` threads of this process.
///
/// Each pipeline's cross-validation is split into one task per fold, queued in the order of `jobs` (callers put
/// the longest expected first), so a slow pipeline at the end of a generation is spread over every thread
/// instead of leaving the others idle; a thread left without a fold helps a running fit (`IdleHelpers`).
/// Results are still returned in job order and are identical to a fold-by-fold run (`FoldOutcome.combine`).
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
        let problem = self.problem
        let helpers = pool.helpers
        return await withCheckedContinuation { continuation in
            collector.onComplete = { continuation.resume(returning: $0) }
            for (index, job) in jobs.enumerated() {
                let run = JobRun(job: job, folds: problem.folds.count, maxEvalSeconds: problem.maxEvalSeconds,
                                 parent: cancellation)
                for k in 0..<problem.folds.count {
                    pool.submit {
                        let outcome: FoldOutcome
                        if let token = run.begin(fold: k) {
                            outcome = problem.evaluateFold(job, fold: k, cancellation: token, helpers: helpers)
                        } else {
                            outcome = .skipped
                        }
                        if let result = run.finish(fold: k, outcome) {
                            onResult(result)
                            collector.store(result, at: index)
                        }
                    }
                }
            }
        }
    }
}

/// The folds of one pipeline's evaluation in flight: its time limit (started when its first fold starts), the
/// cancellation of folds above a failed one, and the combination of the outcomes once all are in.
final class JobRun: @unchecked Sendable {
    let job: EvaluationJob
    let maxEvalSeconds: Double?
    let parent: CancellationToken
    private let lock = NSLock()
    private var jobToken: CancellationToken?
    private var foldTokens: [CancellationToken?]
    private var outcomes: [FoldOutcome?]
    private var firstFailure = Int.max
    private var start: ContinuousClock.Instant?
    private var remaining: Int

    init(job: EvaluationJob, folds: Int, maxEvalSeconds: Double?, parent: CancellationToken) {
        self.job = job
        self.maxEvalSeconds = maxEvalSeconds
        self.parent = parent
        foldTokens = Array(repeating: nil, count: folds)
        outcomes = Array(repeating: nil, count: folds)
        remaining = folds
    }

    /// The token fold `k` runs under, or nil when it need not run (a lower fold failed already).
    func begin(fold k: Int) -> CancellationToken? {
        lock.lock()
        defer { lock.unlock() }
        if k > firstFailure { return nil }
        let limit: CancellationToken
        if let jobToken {
            limit = jobToken
        } else {
            start = .now
            limit = maxEvalSeconds.map { CancellationToken(timeLimit: $0, parent: parent) } ?? parent
            jobToken = limit
        }
        let token = CancellationToken(parent: limit)
        foldTokens[k] = token
        return token
    }

    /// Records fold `k`'s outcome; returns the evaluation's result when it was the last fold.
    func finish(fold k: Int, _ outcome: FoldOutcome) -> EvaluationResult? {
        lock.lock()
        defer { lock.unlock() }
        outcomes[k] = outcome
        if case .failed = outcome, k < firstFailure {
            firstFailure = k
            for j in (k + 1)..<foldTokens.count { foldTokens[j]?.cancel() }
        }
        remaining -= 1
        guard remaining == 0 else { return nil }
        let wall = start.map { $0.secondsElapsed } ?? 0
        return FoldOutcome.combine(outcomes.map { $0 ?? .skipped }, key: job.key, wallSeconds: wall)
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
