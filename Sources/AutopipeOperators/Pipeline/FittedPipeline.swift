import AutopipeData

/// A fitted pipeline: the same tree shape as `PipelineNode`, with fitted operators. `Codable`, so the model the
/// search fitted can be saved and used by `autopipe predict`.
public indirect enum FittedNode: Sendable {
    case input
    case step(AnyFitted, input: FittedNode)
    case union(FittedNode, FittedNode)
}

/// Fits and applies pipelines.
public struct FittedPipeline: Sendable, Codable {
    public let root: FittedNode
    public let task: Task
    /// Number of feature columns the pipeline takes.
    public let inputColumns: Int

    /// Fits `pipeline` (a canonical pipeline) on `x`, `y`. Each step's seed is derived from `context.seed` and the
    /// identity of the sub-pipeline the step ends (`stepContext`), so results do not depend on evaluation order,
    /// and a sub-pipeline gets the same seed in every pipeline that contains it.
    public static func fit(_ pipeline: PipelineNode, _ x: Matrix, _ y: Targets, context: FitContext,
                           registry: OperatorRegistry = .standard) throws -> FittedPipeline {
        let (rootStep, input) = try rootParts(pipeline)
        let (fittedInput, features) = try fitNode(input, x, y, context: context, registry: registry)
        let learner = try makeLearner(rootStep, registry: registry)
        let fitted = try learner.fit(features, y, context: stepContext(context, pipeline))
        return FittedPipeline(root: .step(fitted, input: fittedInput), task: y.task, inputColumns: x.columns)
    }

    static func rootParts(_ pipeline: PipelineNode) throws -> (Step, PipelineNode) {
        guard case .step(let rootStep, let input) = pipeline else {
            throw OperatorError.invalidPipeline(reason: "a pipeline must end in a learner")
        }
        return (rootStep, input)
    }

    static func makeLearner(_ step: Step, registry: OperatorRegistry) throws -> AnyOperator {
        let learner = try registry.make(step.name, step.parameters)
        guard learner.role.isLearner else {
            throw OperatorError.invalidPipeline(reason: "\(step.name) cannot end a pipeline: it is a \(learner.role.rawValue)")
        }
        return learner
    }

    /// The context of the step that ends `node`: `context`'s seed combined with the sub-pipeline's identity.
    static func stepContext(_ context: FitContext, _ node: PipelineNode) -> FitContext {
        stepContext(context, identity: node.identity)
    }

    static func stepContext(_ context: FitContext, identity: UInt64) -> FitContext {
        context.withSeed(StableHash.combine(context.seed, identity))
    }

    /// Fits a non-root node and returns its fitted form and its output on the training data.
    static func fitNode(_ node: PipelineNode, _ x: Matrix, _ y: Targets, context: FitContext,
                        registry: OperatorRegistry) throws -> (FittedNode, Matrix) {
        try context.check()
        switch node {
        case .input:
            return (.input, x)
        case .step(let step, let input):
            let (fittedInput, features) = try fitNode(input, x, y, context: context, registry: registry)
            let op = try registry.make(step.name, step.parameters)
            let fitted = try op.fit(features, y, context: stepContext(context, node))
            let output = try apply(fitted, features)
            return (.step(fitted, input: fittedInput), output)
        case .union(let a, let b):
            let (fa, xa) = try fitNode(a, x, y, context: context, registry: registry)
            let (fb, xb) = try fitNode(b, x, y, context: context, registry: registry)
            return (.union(fa, fb), Matrix.hstack([xa, xb]))
        }
    }

    /// The same model reading its input through `imputer` (fitted separately on the same rows): every branch
    /// that reads the data gets it first.
    public func readingThrough(_ imputer: AnyFitted) -> FittedPipeline {
        func graft(_ node: FittedNode) -> FittedNode {
            switch node {
            case .input: return .step(imputer, input: .input)
            case .step(let fitted, let input): return .step(fitted, input: graft(input))
            case .union(let a, let b): return .union(graft(a), graft(b))
            }
        }
        return FittedPipeline(root: graft(root), task: task, inputColumns: inputColumns)
    }

    /// Output of an inner step: a transformer's transform, or for a learner the stacked features
    /// `[class probabilities (when the learner has them)..., prediction, input...]` as TPOT's StackingEstimator.
    static func apply(_ fitted: AnyFitted, _ x: Matrix) throws -> Matrix {
        switch fitted.model {
        case .transformer:
            return try fitted.transform(x)
        case .classifier(let model):
            let predicted = try fitted.predictClasses(x)
            let column = Matrix(rows: x.rows, columns: 1, values: predicted.map(Double.init))
            if model.scoresAreProbabilities {
                return Matrix.hstack([try fitted.classScores(x).scores, column, x])
            }
            return Matrix.hstack([column, x])
        case .regressor:
            let predicted = try fitted.predictValues(x)
            return Matrix.hstack([Matrix(rows: x.rows, columns: 1, values: predicted), x])
        }
    }

    static func transform(_ node: FittedNode, _ x: Matrix) throws -> Matrix {
        switch node {
        case .input: return x
        case .step(let fitted, let input): return try apply(fitted, try transform(input, x))
        case .union(let a, let b): return Matrix.hstack([try transform(a, x), try transform(b, x)])
        }
    }

    /// The root learner and the features it sees for `x`.
    func learnerInput(_ x: Matrix) throws -> (AnyFitted, Matrix) {
        guard case .step(let learner, let input) = root else {
            throw OperatorError.invalidModel(reason: "the fitted pipeline has no learner")
        }
        if x.columns != inputColumns {
            throw OperatorError.wrongColumnCount(operator: "pipeline", expected: inputColumns, found: x.columns)
        }
        return (learner, try FittedPipeline.transform(input, x))
    }

    public func predictions(_ x: Matrix) throws -> Predictions {
        let (learner, features) = try learnerInput(x)
        return try learner.predictions(features)
    }

    /// Class indices (classification) or nil.
    public func predictClasses(_ x: Matrix) throws -> [Int] {
        let (learner, features) = try learnerInput(x)
        return try learner.predictClasses(features)
    }

    public func predictValues(_ x: Matrix) throws -> [Double] {
        let (learner, features) = try learnerInput(x)
        return try learner.predictValues(features)
    }

    /// Class scores (probabilities when `areProbabilities`).
    public func classScores(_ x: Matrix) throws -> (scores: Matrix, areProbabilities: Bool) {
        let (learner, features) = try learnerInput(x)
        return try learner.classScores(features)
    }
}

extension FittedNode: Codable {
    enum CodingKeys: String, CodingKey { case fitted, input, union }

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), (try? single.decode(String.self)) == "input" {
            self = .input
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.union) {
            let branches = try container.decode([FittedNode].self, forKey: .union)
            guard branches.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .union, in: container,
                    debugDescription: "a union has exactly two branches")
            }
            self = .union(branches[0], branches[1])
        } else if container.contains(.fitted) {
            let fitted = try container.decode(AnyFitted.self, forKey: .fitted)
            let input = try container.decodeIfPresent(FittedNode.self, forKey: .input) ?? .input
            self = .step(fitted, input: input)
        } else {
            self = .input
        }
    }

    public func encode(to encoder: Encoder) throws {
        if case .input = self {
            var single = encoder.singleValueContainer()
            try single.encode("input")
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .input: break
        case .step(let fitted, let input):
            try container.encode(fitted, forKey: .fitted)
            if case .input = input {} else { try container.encode(input, forKey: .input) }
        case .union(let a, let b):
            try container.encode([a, b], forKey: .union)
        }
    }
}
