import AutopipeData
import AutopipeOperators

/// One pipeline to evaluate: the canonical pipeline, its key, and the seed its fits derive from: the search
/// seed, which each fold and then each step combines with its own identity (`FittedPipeline.fit`), never anything
/// from scheduling. A sub-pipeline thus gets the same seeds in every pipeline that holds it, and its fitted
/// outputs can be shared (`FitMemo`).
public struct EvaluationJob: Sendable, Codable, Hashable {
    public let pipeline: PipelineNode
    public let key: String
    public let seed: UInt64

    public init(pipeline: PipelineNode, searchSeed: UInt64) {
        self.pipeline = pipeline
        key = pipeline.canonicalJSON
        seed = searchSeed
    }
}

/// How an evaluation ended.
public enum EvaluationStatus: Sendable, Codable, Hashable {
    case ok
    case failed(OperatorError)
    case timedOut(seconds: Double)

    public var label: String {
        switch self {
        case .ok: return "ok"
        case .failed: return "failed"
        case .timedOut: return "timed_out"
        }
    }
}

/// The outcome of evaluating one pipeline by cross-validation.
public struct EvaluationResult: Sendable, Codable, Hashable {
    public let key: String
    public let status: EvaluationStatus
    public let foldScores: [Double]
    /// Mean CV score; `-inf` when the pipeline failed or timed out.
    public let score: Double
    /// Wall-clock seconds from the start of the first fold to the end of the last (what `--max-eval-time`
    /// limits). Informational: never used for decisions that change the result.
    public let seconds: Double
    /// Seconds each fold took to fit and score (nil when the evaluator did not measure them). Their sum is the
    /// evaluation's compute time, used to estimate the final refit.
    public let foldSeconds: [Double]?

    public init(key: String, status: EvaluationStatus, foldScores: [Double], score: Double, seconds: Double,
                foldSeconds: [Double]? = nil) {
        self.key = key
        self.status = status
        self.foldScores = foldScores
        self.score = score
        self.seconds = seconds
        self.foldSeconds = foldSeconds
    }

    public var isOK: Bool { status == .ok }

    /// Whether the search cancelled this evaluation (it is stopping), as opposed to a failure of the pipeline.
    public var wasCancelled: Bool { status == .failed(.cancelled) }

    /// Compute seconds: the folds' total, or the wall time when they were not measured.
    public var computeSeconds: Double { foldSeconds.map { $0.reduce(0, +) } ?? seconds }
}
