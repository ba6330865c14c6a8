import AutopipeData
import AutopipeOperators
import Foundation

/// Everything needed to score a pipeline, shared by every evaluation of a search: the training rows, the fold
/// plan, the metric and the operator registry. `Sendable`: evaluations on many threads read it concurrently.
public struct EvaluationProblem: Sendable {
    public let features: Matrix
    public let targets: Targets
    public let folds: FoldPlan
    public let metric: Metric
    /// Per-evaluation time limit in seconds (nil: none).
    public let maxEvalSeconds: Double?
    /// Whether the features hold missing values; if so every pipeline starts with a median imputer, fitted on
    /// the training folds only.
    public let hasMissingValues: Bool
    /// Where operators are looked up (the standard registry, or a test's).
    public let registry: OperatorRegistry
    /// The rows of each fold, sliced once (nil when the copies would be too large; then sliced per evaluation).
    let slices: [FoldData]?

    /// Fold copies are kept when they take at most this many bytes in all.
    static let sliceBudgetBytes = 512 << 20

    /// - Parameter hasMissingValues: whether pipelines get a median imputer (default: whether `features` has
    ///   NaN; the search passes the whole training split's answer when it evaluates on a subsample).
    public init(features: Matrix, targets: Targets, folds: FoldPlan, metric: Metric, maxEvalSeconds: Double?,
                registry: OperatorRegistry = .standard, hasMissingValues: Bool? = nil) {
        self.features = features
        self.targets = targets
        self.folds = folds
        self.metric = metric
        self.maxEvalSeconds = maxEvalSeconds
        self.registry = registry
        self.hasMissingValues = hasMissingValues ?? features.hasNaN
        let bytes = features.rows * max(features.columns, 1) * 8 * folds.count
        slices = bytes <= Self.sliceBudgetBytes ? (0..<folds.count).map { FoldData(features, targets, folds, $0) } : nil
    }

    /// The pipeline as fitted: the searched pipeline, with a median imputer under it when the data has missing
    /// values.
    public func executable(_ pipeline: PipelineNode) -> PipelineNode {
        hasMissingValues ? PipelineProblemSupport.withImputer(pipeline) : pipeline
    }

    func foldData(_ k: Int) -> FoldData {
        slices?[k] ?? FoldData(features, targets, folds, k)
    }

    /// Fits `job`'s pipeline on the training rows of fold `k` and scores it on the fold's test rows. The fit's
    /// seed depends only on the job's seed and `k`, so folds can run in any order, on any thread.
    public func evaluateFold(_ job: EvaluationJob, fold k: Int, cancellation: CancellationToken) -> FoldOutcome {
        let start = ContinuousClock.now
        do {
            try cancellation.check()
            let data = foldData(k)
            let context = FitContext(seed: StableHash.combine(job.seed, UInt64(k)), cancellation: cancellation)
            let fitted = try FittedPipeline.fit(executable(job.pipeline), data.trainX, data.trainY, context: context,
                                                registry: registry)
            try cancellation.check()
            let score = metric.score(truth: data.testY, predictions: try fitted.predictions(data.testX))
            guard score.isFinite else {
                throw OperatorError.numerical(operator: job.pipeline.rootStep?.name ?? "pipeline",
                                              detail: "the \(metric.rawValue) score is not a number")
            }
            return .scored(score, seconds: elapsed(since: start))
        } catch let error as OperatorError {
            return .failed(error, seconds: elapsed(since: start))
        } catch {
            return .failed(.numerical(operator: "pipeline", detail: "\(error)"), seconds: elapsed(since: start))
        }
    }

    /// Cross-validates one pipeline, fold after fold on the calling thread (what a remote worker runs). Never
    /// throws: failures and time-outs become the result's status. Gives the same result as `LocalEvaluator`'s
    /// fold-parallel evaluation.
    public func evaluate(_ job: EvaluationJob, cancellation outer: CancellationToken? = nil) -> EvaluationResult {
        let start = ContinuousClock.now
        let token = maxEvalSeconds.map { CancellationToken(timeLimit: $0, parent: outer) } ?? outer ?? .none
        var outcomes: [FoldOutcome] = []
        for k in 0..<folds.count {
            let outcome = evaluateFold(job, fold: k, cancellation: token)
            outcomes.append(outcome)
            if case .failed = outcome { break }
        }
        while outcomes.count < folds.count { outcomes.append(.skipped) }
        return FoldOutcome.combine(outcomes, key: job.key, wallSeconds: elapsed(since: start))
    }
}

/// The training and test rows of one fold.
struct FoldData: Sendable {
    let trainX: Matrix
    let trainY: Targets
    let testX: Matrix
    let testY: Targets

    init(_ features: Matrix, _ targets: Targets, _ folds: FoldPlan, _ k: Int) {
        let trainRows = folds.trainRows(k)
        let testRows = folds.testFolds[k]
        trainX = features.selectingRows(trainRows)
        trainY = targets.selecting(trainRows)
        testX = features.selectingRows(testRows)
        testY = targets.selecting(testRows)
    }
}

func elapsed(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

enum PipelineProblemSupport {
    static let imputer = Step("SimpleImputer", ["strategy": "median"])

    /// Puts a median imputer under every branch that reads the input.
    static func withImputer(_ node: PipelineNode) -> PipelineNode {
        switch node {
        case .input: return .step(imputer, input: .input)
        case .step(let step, let input): return .step(step, input: withImputer(input))
        case .union(let a, let b): return .union(withImputer(a), withImputer(b))
        }
    }
}
