import AutopipeData
import AutopipeOperators
import Foundation

/// Everything needed to score a pipeline, shared by every evaluation of a search: the training rows, the fold
/// plan and the metric. `Sendable`: evaluations on many threads read it concurrently.
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

    public init(features: Matrix, targets: Targets, folds: FoldPlan, metric: Metric, maxEvalSeconds: Double?) {
        self.features = features
        self.targets = targets
        self.folds = folds
        self.metric = metric
        self.maxEvalSeconds = maxEvalSeconds
        hasMissingValues = features.hasNaN
    }

    /// The pipeline as fitted: the searched pipeline, with a median imputer under it when the data has missing
    /// values.
    public func executable(_ pipeline: PipelineNode) -> PipelineNode {
        hasMissingValues ? PipelineProblemSupport.withImputer(pipeline) : pipeline
    }

    /// Cross-validates one pipeline. Never throws: failures and time-outs become the result's status.
    public func evaluate(_ job: EvaluationJob, cancellation outer: CancellationToken? = nil) -> EvaluationResult {
        let start = ContinuousClock.now
        let token: CancellationToken
        if let maxEvalSeconds {
            token = CancellationToken(timeLimit: maxEvalSeconds, parent: outer)
        } else {
            token = outer ?? .none
        }
        let pipeline = executable(job.pipeline)
        var scores: [Double] = []
        do {
            for k in 0..<folds.count {
                try token.check()
                let trainRows = folds.trainRows(k)
                let testRows = folds.testFolds[k]
                let context = FitContext(seed: StableHash.combine(job.seed, UInt64(k)), cancellation: token)
                let fitted = try FittedPipeline.fit(pipeline, features.selectingRows(trainRows),
                                                    targets.selecting(trainRows), context: context)
                let predictions = try fitted.predictions(features.selectingRows(testRows))
                let score = metric.score(truth: targets.selecting(testRows), predictions: predictions)
                guard score.isFinite else {
                    throw OperatorError.numerical(operator: job.pipeline.rootStep?.name ?? "pipeline",
                                                  detail: "the \(metric.rawValue) score is not a number")
                }
                scores.append(score)
            }
        } catch let error as OperatorError {
            let seconds = elapsed(since: start)
            if case .timedOut(let limit) = error {
                return EvaluationResult(key: job.key, status: .timedOut(seconds: limit), foldScores: scores,
                                        score: -.infinity, seconds: seconds)
            }
            return EvaluationResult(key: job.key, status: .failed(error), foldScores: scores, score: -.infinity,
                                    seconds: seconds)
        } catch {
            return EvaluationResult(key: job.key, status: .failed(.numerical(operator: "pipeline", detail: "\(error)")),
                                    foldScores: scores, score: -.infinity, seconds: elapsed(since: start))
        }
        let mean = scores.reduce(0, +) / Double(max(scores.count, 1))
        return EvaluationResult(key: job.key, status: .ok, foldScores: scores, score: mean,
                                seconds: elapsed(since: start))
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
