import AutopipeData

extension FittedPipeline {
    /// The seed each step of `pipeline` gets when `fit` is called with `seed`, root first (the order of
    /// `pipeline.steps`): `StableHash.combine(seed, identity of the sub-pipeline the step ends)`.
    public static func stepSeeds(_ pipeline: PipelineNode, seed: UInt64) -> [UInt64] {
        var seeds: [UInt64] = []
        func visit(_ node: PipelineNode) {
            switch node {
            case .input:
                return
            case .step(_, let input):
                seeds.append(stepContext(FitContext(seed: seed), node).seed)
                visit(input)
            case .union(let a, let b):
                visit(a)
                visit(b)
            }
        }
        visit(pipeline)
        return seeds
    }
}
