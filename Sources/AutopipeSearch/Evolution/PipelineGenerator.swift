import AutopipeData
import AutopipeOperators

/// Random pipelines and their variation (TPOT's genetic programming operators), drawing every decision from a
/// `SeededGenerator`.
public struct PipelineGenerator: Sendable {
    public let space: SearchSpace
    public let task: Task
    /// Probability that an inserted node is a union of two branches (TPOT's CombineDFs).
    public var unionProbability = 0.05
    /// Probability that an inserted preprocessor is a stacked learner (TPOT's StackingEstimator).
    public var stackingProbability = 0.1
    /// A fixed pipeline shape (`--template`); nil lets pipelines grow freely.
    public var template: PipelineTemplate?

    public init(space: SearchSpace, task: Task) {
        self.space = space.restricted(to: task)
        self.task = task
    }

    // MARK: Sampling

    /// A random step of `entry` with every searched parameter drawn from its grid (re-drawn while the
    /// operator's cross-parameter rule rejects the combination).
    public func randomStep(_ entry: SearchSpace.Entry, _ rng: inout SeededGenerator) -> Step {
        var parameters = Parameters()
        for attempt in 0..<50 {
            parameters = Parameters()
            for name in entry.parameterOrder {
                if let grid = entry.grids[name], !grid.isEmpty { parameters[name] = rng.pick(grid) }
            }
            if attempt == 49 || entry.space.satisfiesRule(entry.space.defaults.merging(parameters)) { break }
        }
        return Step(entry.name, parameters)
    }

    func randomPreprocessorStep(_ rng: inout SeededGenerator) -> Step? {
        let learners = space.learners
        if !learners.isEmpty, rng.nextDouble() < stackingProbability {
            return randomStep(rng.pick(learners), &rng)
        }
        let preprocessors = space.preprocessors
        guard !preprocessors.isEmpty else { return nil }
        return randomStep(rng.pick(preprocessors), &rng)
    }

    /// A random pipeline of 1 to `maxOperators` operators: a learner over a chain of preprocessors
    /// (TPOT's `genFull` with depth 1-3).
    public func randomPipeline(_ rng: inout SeededGenerator, maxOperators: Int = 3) -> PipelineNode {
        if let template { return randomPipeline(template, &rng) }
        let learners = space.learners
        let count = 1 + rng.nextInt(below: max(maxOperators, 1))
        var node = PipelineNode.input
        for _ in 1..<count {
            let preprocessors = space.preprocessors
            guard !preprocessors.isEmpty else { break }
            node = .step(randomStep(rng.pick(preprocessors), &rng), input: node)
        }
        return .step(randomStep(rng.pick(learners), &rng), input: node)
    }

    // MARK: Mutation

    public enum MutationKind: String, Sendable, CaseIterable {
        case insert, replace, shrink, hyperparameter
    }

    /// Applies one random mutation (insert, replace, shrink, or a hyperparameter point mutation). Returns the
    /// pipeline unchanged only when no mutation applies.
    public func mutate(_ pipeline: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode {
        var kinds = template == nil ? MutationKind.allCases : [.replace, .hyperparameter]
        rng.shuffle(&kinds)
        for kind in kinds {
            if let mutated = mutate(pipeline, kind: kind, &rng), mutated != pipeline { return mutated }
        }
        return pipeline
    }

    public func mutate(_ pipeline: PipelineNode, kind: MutationKind, _ rng: inout SeededGenerator) -> PipelineNode? {
        if let template {
            switch kind {
            case .insert, .shrink: return nil
            case .replace: return replace(pipeline, template: template, &rng)
            case .hyperparameter: return pointMutate(pipeline, &rng)
            }
        }
        switch kind {
        case .insert: return insert(pipeline, &rng)
        case .replace: return replace(pipeline, &rng)
        case .shrink: return shrink(pipeline, &rng)
        case .hyperparameter: return pointMutate(pipeline, &rng)
        }
    }

    /// Inserts a random preprocessor (or a union with a new branch) at a random input edge.
    func insert(_ pipeline: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        let edges = pipeline.inputEdges()
        guard !edges.isEmpty else { return nil }
        let edge = rng.pick(edges)
        let useUnion = rng.nextDouble() < unionProbability
        guard let step = randomPreprocessorStep(&rng) else { return nil }
        return pipeline.replacingSubtree(at: edge) { subtree in
            useUnion ? .union(subtree, .step(step, input: .input)) : .step(step, input: subtree)
        }
    }

    /// Replaces a random step by another operator of the same kind (learner root by a learner, preprocessor by
    /// a preprocessor) with fresh parameters.
    func replace(_ pipeline: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        let paths = pipeline.stepPaths()
        guard !paths.isEmpty else { return nil }
        let path = rng.pick(paths)
        return pipeline.replacingSubtree(at: path) { node in
            guard case .step(let old, let input) = node else { return node }
            let isRoot = path.isEmpty
            let candidates: [SearchSpace.Entry]
            if isRoot {
                candidates = space.learners.filter { $0.name != old.name }
            } else {
                candidates = (space.preprocessors + space.learners).filter { $0.name != old.name }
            }
            guard !candidates.isEmpty else { return node }
            return .step(randomStep(rng.pick(candidates), &rng), input: input)
        }
    }

    /// Removes a random inner step (its input takes its place), or collapses a union to one branch.
    func shrink(_ pipeline: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        let paths = pipeline.innerNodePaths()
        guard !paths.isEmpty else { return nil }
        let path = rng.pick(paths)
        let pickLeft = rng.nextDouble() < 0.5
        return pipeline.replacingSubtree(at: path) { node in
            switch node {
            case .step(_, let input): return input
            case .union(let a, let b): return pickLeft ? a : b
            case .input: return node
            }
        }
    }

    /// Re-draws one searched parameter of one random step.
    func pointMutate(_ pipeline: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        let paths = pipeline.stepPaths().filter { path in
            guard case .step(let step, _)? = pipeline.subtree(at: path), let entry = space.entry(named: step.name)
            else { return false }
            return entry.grids.values.contains { $0.count > 1 }
        }
        guard !paths.isEmpty else { return nil }
        let path = rng.pick(paths)
        return pipeline.replacingSubtree(at: path) { node in
            guard case .step(var step, let input) = node, let entry = space.entry(named: step.name) else { return node }
            let names = entry.parameterOrder.filter { (entry.grids[$0]?.count ?? 0) > 1 }
            guard !names.isEmpty else { return node }
            let name = rng.pick(names)
            if let grid = entry.grids[name] {
                let current = step.parameters[name]
                let others = grid.filter { $0 != current }
                if !others.isEmpty { step.parameters[name] = rng.pick(others) }
            }
            if !entry.space.satisfiesRule(entry.space.defaults.merging(step.parameters)) { return node }
            return .step(step, input: input)
        }
    }

    // MARK: Crossover

    /// One-point crossover: the child is `a` with the subtree at one of its input edges replaced by a subtree
    /// taken from an input edge of `b`. Returns nil when either parent has no such subtree.
    public func crossover(_ a: PipelineNode, _ b: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        if template != nil { return templateCrossover(a, b, &rng) }
        let targets = a.inputEdges()
        let donors = b.inputEdges().compactMap { b.subtree(at: $0) }.filter { $0 != .input }
        guard !targets.isEmpty, !donors.isEmpty else { return nil }
        let target = rng.pick(targets)
        let donor = rng.pick(donors)
        let child = a.replacingSubtree(at: target) { _ in donor }
        return child == a ? nil : child
    }
}

extension Parameters {
    func merging(_ other: Parameters) -> Parameters {
        var out = self
        for (k, v) in other { out[k] = v }
        return out
    }
}
