import AutopipeData

extension FittedPipeline {
    /// The seed each step of `pipeline` gets when `fit` is called with `seed`, root first (the order of
    /// `pipeline.steps`). The same numbering as `fit`: the root is node 0, a step's input is node 2p + 1, a union's
    /// branches are nodes 2p + 1 and 2p + 2; a step's seed is `StableHash.combine(seed, p)`.
    ///
    /// Steps inserted under the branches that read the input (the search's median imputer) take the place of
    /// `input` leaves, so the seeds of the other steps do not change.
    public static func stepSeeds(_ pipeline: PipelineNode, seed: UInt64) -> [UInt64] {
        var seeds: [UInt64] = []
        func visit(_ node: PipelineNode, _ path: UInt64) {
            switch node {
            case .input:
                return
            case .step(_, let input):
                seeds.append(stepContext(FitContext(seed: seed), path: path).seed)
                visit(input, path &* 2 &+ 1)
            case .union(let a, let b):
                visit(a, path &* 2 &+ 1)
                visit(b, path &* 2 &+ 2)
            }
        }
        visit(pipeline, 0)
        return seeds
    }
}
