import AutopipeData

/// What a running search tells its caller (progress lines, a progress bar, a log file). Every callback may be
/// called from another thread than the caller's; `evaluationFinished` from the evaluation threads.
public struct SearchObserver: Sendable {
    /// The training rows split off (before the search starts).
    public var splitReady: @Sendable (TrainTestSplit) throws -> Void
    /// A generation starts with this many new pipelines to evaluate (0 is the initial population).
    public var generationStarted: @Sendable (_ generation: Int, _ evaluations: Int) -> Void
    public var evaluationFinished: @Sendable (EvaluationResult) -> Void
    public var generationFinished: @Sendable (GenerationReport) -> Void
    /// Something worth a line at verbosity 1 (resuming, the time limit, a refit fallback).
    public var note: @Sendable (String) -> Void

    public init(splitReady: @escaping @Sendable (TrainTestSplit) throws -> Void = { _ in },
                generationStarted: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                evaluationFinished: @escaping @Sendable (EvaluationResult) -> Void = { _ in },
                generationFinished: @escaping @Sendable (GenerationReport) -> Void = { _ in },
                note: @escaping @Sendable (String) -> Void = { _ in }) {
        self.splitReady = splitReady
        self.generationStarted = generationStarted
        self.evaluationFinished = evaluationFinished
        self.generationFinished = generationFinished
        self.note = note
    }
}

/// Where a search keeps its state and records (all optional).
public struct SearchFiles: Sendable {
    /// Written after every generation (`--checkpoint`).
    public var checkpoint: String?
    /// Read at start to continue a search (`--resume`).
    public var resume: String?
    /// One JSON line per evaluation (`--evaluations`).
    public var evaluations: String?

    public init(checkpoint: String? = nil, resume: String? = nil, evaluations: String? = nil) {
        self.checkpoint = checkpoint
        self.resume = resume
        self.evaluations = evaluations
    }
}
