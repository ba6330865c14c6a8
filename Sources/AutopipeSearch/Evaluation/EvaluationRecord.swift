import AutopipeData
import AutopipeOperators

/// One pipeline to evaluate: the canonical pipeline, its key, and the seed its fits derive from (from the
/// search seed and the pipeline's identity, never from scheduling).
public struct EvaluationJob: Sendable, Codable, Hashable {
    public let pipeline: PipelineNode
    public let key: String
    public let seed: UInt64

    public init(pipeline: PipelineNode, searchSeed: UInt64) {
        self.pipeline = pipeline
        key = pipeline.canonicalJSON
        seed = StableHash.combine(searchSeed, StableHash.fnv1a(key))
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
    /// Wall-clock seconds the evaluation took (informational; never used for decisions).
    public let seconds: Double

    public init(key: String, status: EvaluationStatus, foldScores: [Double], score: Double, seconds: Double) {
        self.key = key
        self.status = status
        self.foldScores = foldScores
        self.score = score
        self.seconds = seconds
    }

    public var isOK: Bool { status == .ok }
}
