import AutopipeData
import AutopipeOperators

/// Everything fixed before the evolution starts, all derived from the data, the settings and the seed: the
/// held-out split, the rows the search evaluates on (`--subsample`), the folds, the validated operator space and
/// template, and the evaluation problem.
struct SearchPreparation: Sendable {
    let split: TrainTestSplit
    let train: Dataset
    let space: SearchSpace
    let generator: PipelineGenerator
    let problem: EvaluationProblem
    let registry: OperatorRegistry
    let seed: UInt64
    /// The whole dataset's fingerprint (checkpoints compare it).
    let fingerprint: String

    /// The held-out split (a function of the targets, `--test-size` and the seed only).
    static func split(settings: SearchSettings, dataset: Dataset) -> TrainTestSplit {
        TrainTestSplit.make(targets: dataset.targets, testSize: settings.testSize,
                            generator: SeededGenerator(seed: settings.seed).derived("split"))
    }

    init(settings: SearchSettings, space fullSpace: SearchSpace, dataset: Dataset, registry: OperatorRegistry,
         memoBytes: Int = EvaluationProblem.defaultMemoBytes) throws {
        let space = try fullSpace.restricted(to: dataset.task).validated()
        guard !space.learners.isEmpty else { throw SearchConfigError.noLearner(config: space.name, task: dataset.task) }
        var generator = PipelineGenerator(space: space, task: dataset.task)
        if let template = settings.template {
            generator.template = try PipelineTemplate(template, space: generator.space, task: dataset.task)
        }
        let root = SeededGenerator(seed: settings.seed)
        split = Self.split(settings: settings, dataset: dataset)
        train = dataset.selecting(rows: split.train)
        var searched = train
        if settings.subsample < 1 {
            // TPOT's subsample: a fixed random part of the training rows (stratified here) for every evaluation.
            let part = TrainTestSplit.make(targets: train.targets, testSize: 1 - settings.subsample,
                                           generator: root.derived("subsample"))
            searched = train.selecting(rows: part.train)
        }
        try searched.checkClassSizes(folds: settings.cvFolds)
        let imputer = PipelineProblemSupport.imputer.name
        if train.features.hasNaN, registry.entry(named: imputer) == nil {
            throw SearchConfigError.imputerUnavailable(name: imputer)
        }
        let folds = FoldPlan.make(targets: searched.targets, folds: settings.cvFolds, generator: root.derived("folds"))
        problem = EvaluationProblem(features: searched.features, targets: searched.targets, folds: folds,
                                    metric: settings.metric, maxEvalSeconds: settings.maxEvalSeconds,
                                    registry: registry, hasMissingValues: train.features.hasNaN, memoBytes: memoBytes)
        self.space = space
        self.generator = generator
        self.registry = registry
        seed = settings.seed
        fingerprint = dataset.fingerprint
    }

    /// Fits `pipeline` on the whole training split with the seed its evaluations used.
    func refit(_ pipeline: PipelineNode, cancellation: CancellationToken, helpers: (any IdleHelpers)? = nil) throws
        -> FittedPipeline
    {
        let job = EvaluationJob(pipeline: pipeline, searchSeed: seed)
        return try problem.fitModel(pipeline, train.features, train.targets,
                                    context: FitContext(seed: job.seed, cancellation: cancellation, helpers: helpers))
    }
}
