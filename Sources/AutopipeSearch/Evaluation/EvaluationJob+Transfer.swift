import AutopipeOperators

extension EvaluationJob {
    /// Rebuilds a job received from another process (the cluster's wire format) exactly as it was sent: the key
    /// and seed are taken as given, not recomputed, so a worker evaluates the very job the search made.
    public init(pipeline: PipelineNode, key: String, seed: UInt64) {
        self.pipeline = pipeline
        self.key = key
        self.seed = seed
    }
}
