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
    /// Whether the features hold missing values; if so every pipeline reads them through a median imputer,
    /// fitted on each fold's training rows only (once per fold, not once per pipeline).
    public let hasMissingValues: Bool
    /// Where operators are looked up (the standard registry, or a test's).
    public let registry: OperatorRegistry
    /// The rows of each fold, sliced (and imputed) once (nil when the copies would be too large, or imputing
    /// failed; then sliced per evaluation, where a failure is the evaluation's).
    let slices: [FoldData]?
    /// Sub-pipeline outputs shared by evaluations (`FitMemo`): offspring mostly keep their parents' preprocessing.
    public let memo: FitMemo

    /// Fold copies are kept when they take at most this many bytes in all.
    static let sliceBudgetBytes = 512 << 20

    /// - Parameter hasMissingValues: whether pipelines get a median imputer (default: whether `features` has
    ///   NaN; the search passes the whole training split's answer when it evaluates on a subsample).
    /// - Parameter memoBytes: the budget of `memo` (0: nothing is kept).
    public init(features: Matrix, targets: Targets, folds: FoldPlan, metric: Metric, maxEvalSeconds: Double?,
                registry: OperatorRegistry = .standard, hasMissingValues: Bool? = nil,
                memoBytes: Int = EvaluationProblem.defaultMemoBytes) {
        self.features = features
        self.targets = targets
        self.folds = folds
        self.metric = metric
        self.maxEvalSeconds = maxEvalSeconds
        self.registry = registry
        self.hasMissingValues = hasMissingValues ?? features.hasNaN
        let bytes = features.rows * max(features.columns, 1) * 8 * folds.count
        let impute = self.hasMissingValues
        slices = bytes <= Self.sliceBudgetBytes
            ? try? (0..<folds.count).map { try FoldData(features, targets, folds, $0, impute: impute, registry: registry) }
            : nil
        memo = FitMemo(budgetBytes: memoBytes)
    }

    /// Sub-pipeline outputs are kept up to this many bytes unless told otherwise (`--memo-mb`).
    public static let defaultMemoBytes = 256 << 20

    func foldData(_ k: Int) throws -> FoldData {
        if let slices { return slices[k] }
        return try FoldData(features, targets, folds, k, impute: hasMissingValues, registry: registry)
    }

    /// Fits `pipeline` on `x`, `y` (the final refit on the training split), reading the data through a median
    /// imputer fitted on `x` when the problem has missing values: the model the evaluations scored, made whole.
    public func fitModel(_ pipeline: PipelineNode, _ x: Matrix, _ y: Targets,
                         context: FitContext) throws -> FittedPipeline {
        guard hasMissingValues else { return try FittedPipeline.fit(pipeline, x, y, context: context, registry: registry) }
        let imputer = try PipelineProblemSupport.fitImputer(x, y, registry: registry)
        let model = try FittedPipeline.fit(pipeline, try imputer.transform(x), y, context: context, registry: registry)
        return model.readingThrough(imputer)
    }

    /// Fits `job`'s pipeline on the training rows of fold `k` and scores it on the fold's test rows. The fit's
    /// seed depends only on the job's seed and `k`, so folds can run in any order, on any thread; sub-pipelines
    /// already fitted on fold `k` with that seed come from `memo`.
    public func evaluateFold(_ job: EvaluationJob, fold k: Int, cancellation: CancellationToken,
                             helpers: (any IdleHelpers)? = nil) -> FoldOutcome {
        let start = ContinuousClock.now
        do {
            try cancellation.check()
            let data = try foldData(k)
            let context = FitContext(seed: StableHash.combine(job.seed, UInt64(k)), cancellation: cancellation,
                                     helpers: helpers)
            let predictions = try FittedPipeline.fitPredict(job.pipeline, key: job.key, train: data.trainX, data.trainY,
                                                            test: data.testX, context: context, registry: registry,
                                                            memo: memo.budgetBytes > 0 ? memo : nil,
                                                            scope: "fold \(k) seed \(context.seed)")
            try cancellation.check()
            let score = metric.score(truth: data.testY, predictions: predictions)
            guard score.isFinite else {
                throw OperatorError.numerical(operator: job.pipeline.rootStep?.name ?? "pipeline",
                                              detail: "the \(metric.rawValue) score is not a number")
            }
            return .scored(score, seconds: start.secondsElapsed)
        } catch let error as OperatorError {
            return .failed(error, seconds: start.secondsElapsed)
        } catch {
            return .failed(.numerical(operator: "pipeline", detail: "\(error)"), seconds: start.secondsElapsed)
        }
    }

    /// Cross-validates one pipeline, fold after fold on the calling thread (what a remote worker runs). Never
    /// throws: failures and time-outs become the result's status. Gives the same result as `LocalEvaluator`'s
    /// fold-parallel evaluation. `helpers`: idle threads its fits may use (a worker's other threads).
    public func evaluate(_ job: EvaluationJob, cancellation outer: CancellationToken? = nil,
                         helpers: (any IdleHelpers)? = nil) -> EvaluationResult {
        let start = ContinuousClock.now
        let token = maxEvalSeconds.map { CancellationToken(timeLimit: $0, parent: outer) } ?? outer ?? .none
        var outcomes: [FoldOutcome] = []
        for k in 0..<folds.count {
            let outcome = evaluateFold(job, fold: k, cancellation: token, helpers: helpers)
            outcomes.append(outcome)
            if case .failed = outcome { break }
        }
        while outcomes.count < folds.count { outcomes.append(.skipped) }
        return FoldOutcome.combine(outcomes, key: job.key, wallSeconds: start.secondsElapsed)
    }
}

/// The training and test rows of one fold (with `impute`, through a median imputer fitted on the training rows).
struct FoldData: Sendable {
    let trainX: Matrix
    let trainY: Targets
    let testX: Matrix
    let testY: Targets

    init(_ features: Matrix, _ targets: Targets, _ folds: FoldPlan, _ k: Int, impute: Bool,
         registry: OperatorRegistry) throws {
        let trainRows = folds.trainRows(k)
        let testRows = folds.testFolds[k]
        var trainX = features.selectingRows(trainRows)
        var testX = features.selectingRows(testRows)
        trainY = targets.selecting(trainRows)
        testY = targets.selecting(testRows)
        if impute {
            let imputer = try PipelineProblemSupport.fitImputer(trainX, trainY, registry: registry)
            trainX = try imputer.transform(trainX)
            testX = try imputer.transform(testX)
        }
        self.trainX = trainX
        self.testX = testX
    }
}

enum PipelineProblemSupport {
    static let imputer = Step("SimpleImputer", ["strategy": "median"])

    /// Puts a median imputer under every branch that reads the input: the pipeline as the model runs it.
    static func withImputer(_ node: PipelineNode) -> PipelineNode {
        switch node {
        case .input: return .step(imputer, input: .input)
        case .step(let step, let input): return .step(step, input: withImputer(input))
        case .union(let a, let b): return .union(withImputer(a), withImputer(b))
        }
    }

    /// The median imputer fitted on `x` (it draws no random numbers).
    static func fitImputer(_ x: Matrix, _ y: Targets, registry: OperatorRegistry) throws -> AnyFitted {
        try registry.make(imputer.name, imputer.parameters).fit(x, y, context: FitContext())
    }
}
