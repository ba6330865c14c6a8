import AutopipeOperators

/// Expected evaluation cost of a pipeline, learned from the evaluations so far: the sum over its steps of the
/// mean compute seconds of the evaluations that used each operator. Only orders work (longest first) so the last
/// evaluations of a generation are short ones; it never changes a result.
struct CostModel: Sendable {
    private var totals: [String: (seconds: Double, count: Int)] = [:]

    mutating func learn(_ pipeline: PipelineNode, _ result: EvaluationResult) {
        let seconds = result.computeSeconds
        for name in Set(pipeline.steps.map(\.name)) {
            let old = totals[name] ?? (0, 0)
            totals[name] = (old.seconds + seconds, old.count + 1)
        }
    }

    /// Infinite for a pipeline with an operator not seen yet (unknown cost goes first).
    func expectedSeconds(_ pipeline: PipelineNode) -> Double {
        var total = 0.0
        for step in pipeline.steps {
            guard let t = totals[step.name], t.count > 0 else { return .infinity }
            total += t.seconds / Double(t.count)
        }
        return total
    }

    /// Indices of `pipelines` ordered by decreasing expected cost (ties in the given order).
    func longestFirst(_ pipelines: [PipelineNode]) -> [Int] {
        let costs = pipelines.map(expectedSeconds)
        return pipelines.indices.sorted { a, b in costs[a] != costs[b] ? costs[a] > costs[b] : a < b }
    }
}
