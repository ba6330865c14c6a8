import AutopipeData

extension FittedPipeline {
    /// Cross-validation's fit and score in one: fits `pipeline` on `train`, `y` and returns its predictions for
    /// `test`, keeping no fitted model. The outputs of every inner step on both row sets are looked up in `memo`
    /// first and stored there once computed, under `scope` (which must name the rows and `context.seed`) and the
    /// sub-pipeline. The same predictions as `fit` followed by `predictions(test)`. `key`: the pipeline's
    /// canonical JSON when the caller already has it (`EvaluationJob.key`), so it is not encoded again per fold.
    public static func fitPredict(_ pipeline: PipelineNode, key: String? = nil, train: Matrix, _ y: Targets,
                                  test: Matrix, context: FitContext, registry: OperatorRegistry = .standard,
                                  memo: FitMemo? = nil, scope: String = "") throws -> Predictions {
        let (rootStep, input) = try rootParts(pipeline)
        if test.columns != train.columns {
            throw OperatorError.wrongColumnCount(operator: "pipeline", expected: train.columns, found: test.columns)
        }
        let features = try outputs(input, FitMemo.Outputs(train: train, test: test), y, context: context,
                                   registry: registry, memo: memo, scope: scope)
        let learner = try makeLearner(rootStep, registry: registry)
        let identity = key.map { StableHash.fnv1a($0) } ?? pipeline.identity
        let fitted = try learner.fit(features.train, y, context: stepContext(context, identity: identity))
        try context.check()
        return try fitted.predictions(features.test)
    }

    /// The outputs of a non-root node on the training and test rows of `data`.
    static func outputs(_ node: PipelineNode, _ data: FitMemo.Outputs, _ y: Targets, context: FitContext,
                        registry: OperatorRegistry, memo: FitMemo?, scope: String) throws -> FitMemo.Outputs {
        try context.check()
        switch node {
        case .input:
            return data
        case .step(let step, let input):
            let json = node.canonicalJSON
            let key = scope + "\n" + json
            if let memo, let hit = memo.outputs(key) { return hit }
            let features = try outputs(input, data, y, context: context, registry: registry, memo: memo, scope: scope)
            let op = try registry.make(step.name, step.parameters)
            let fitted = try op.fit(features.train, y,
                                    context: stepContext(context, identity: StableHash.fnv1a(json)))
            let result = FitMemo.Outputs(train: try apply(fitted, features.train), test: try apply(fitted, features.test))
            memo?.store(result, key)
            return result
        case .union(let a, let b):
            let left = try outputs(a, data, y, context: context, registry: registry, memo: memo, scope: scope)
            let right = try outputs(b, data, y, context: context, registry: registry, memo: memo, scope: scope)
            return FitMemo.Outputs(train: Matrix.hstack([left.train, right.train]),
                                   test: Matrix.hstack([left.test, right.test]))
        }
    }
}
