import AutopipeData
import AutopipeOperators
import Foundation

/// What a finished search hands back: the document for `best.json` and the final fitted pipeline.
public struct SearchOutcome: Sendable {
    public let document: ResultDocument
    public let model: FittedPipeline
}

/// Runs a whole search on a dataset: held-out split, fold plan, evolution, final refit and held-out score.
public struct SearchRunner: Sendable {
    public var settings: SearchSettings
    public var space: SearchSpace
    public var jobs: Int
    public var dataPath: String

    public init(settings: SearchSettings, space: SearchSpace, jobs: Int, dataPath: String) {
        self.settings = settings
        self.space = space
        self.jobs = jobs
        self.dataPath = dataPath
    }

    /// - Parameters:
    ///   - log: progress lines (one per generation), for stderr.
    ///   - makeEvaluator: builds the evaluator for the prepared problem (local threads by default).
    public func run(dataset: Dataset, droppedRows: Int = 0,
                    log: @escaping (GenerationReport) -> Void = { _ in },
                    onResult: @escaping @Sendable (EvaluationResult) -> Void = { _ in },
                    makeEvaluator: ((EvaluationProblem) -> any Evaluator)? = nil) async throws -> SearchOutcome {
        try settings.validate()
        guard settings.metric.task == dataset.task else {
            throw DataError.invalidOption("--scoring \(settings.metric.rawValue) is a \(settings.metric.task.rawValue) metric, "
                + "but target '\(dataset.target.name)' is a \(dataset.task.rawValue) target. "
                + "Use one of: " + Metric.allCases.filter { $0.task == dataset.task }.map(\.rawValue).joined(separator: ", ") + ".")
        }
        let start = ContinuousClock.now
        let root = SeededGenerator(seed: settings.seed)
        let split = TrainTestSplit.make(targets: dataset.targets, testSize: settings.testSize,
                                        generator: root.derived("split"))
        let train = dataset.selecting(rows: split.train)
        try train.checkClassSizes(folds: settings.cvFolds)
        let folds = FoldPlan.make(targets: train.targets, folds: settings.cvFolds, generator: root.derived("folds"))
        let problem = EvaluationProblem(features: train.features, targets: train.targets, folds: folds,
                                        metric: settings.metric, maxEvalSeconds: settings.maxEvalSeconds)
        let evaluator = makeEvaluator?(problem) ?? LocalEvaluator(problem: problem, jobs: jobs)
        let generator = PipelineGenerator(space: space, task: dataset.task)
        guard !generator.space.learners.isEmpty else {
            throw DataError.invalidOption("the operator configuration '\(space.name)' has no \(dataset.task == .classification ? "classifier" : "regressor").")
        }
        let evolver = Evolver(settings: settings, generator: generator, evaluator: evaluator)
        try await evolver.run(onGeneration: log, onResult: onResult)
        guard let best = evolver.best else {
            throw SearchError.noWorkingPipeline(evaluated: evolver.evaluationCount, failed: evolver.failedCount,
                                                timedOut: evolver.timedOutCount)
        }

        // Refit the winner on the whole training split and score it on the held-out rows.
        let job = EvaluationJob(pipeline: best.pipeline, searchSeed: settings.seed)
        let model = try FittedPipeline.fit(problem.executable(best.pipeline), train.features, train.targets,
                                           context: FitContext(seed: job.seed))
        var holdout: Double?
        if !split.test.isEmpty {
            let test = dataset.selecting(rows: split.test)
            holdout = settings.metric.score(truth: test.targets, predictions: try model.predictions(test.features))
        }
        let seconds = elapsed(since: start)
        let document = ResultDocument(
            formatVersion: ResultDocument.currentFormatVersion,
            autopipeVersion: AutopipeVersion.current,
            task: dataset.task, target: dataset.target, schema: dataset.schema, metric: settings.metric,
            pipeline: best.pipeline, pipelineText: best.pipeline.description,
            preprocessing: problem.hasMissingValues ? [PipelineProblemSupport.imputer] : [],
            cvScore: best.score, cvFoldScores: best.result.foldScores, holdoutScore: holdout,
            seed: settings.seed, settings: settings,
            paretoFront: evolver.front.map {
                .init(pipeline: $0.pipeline, text: $0.pipeline.description, cvScore: $0.score, operatorCount: $0.size)
            },
            data: .init(path: dataPath, rows: dataset.rowCount, trainRows: split.train.count,
                        testRows: split.test.count, fingerprint: dataset.fingerprint, droppedRows: droppedRows),
            statistics: .init(evaluations: evolver.evaluationCount, failed: evolver.failedCount,
                              timedOut: evolver.timedOutCount, generations: settings.generations),
            timing: .init(seconds: seconds, evaluationsPerSecond: Double(evolver.evaluationCount) / max(seconds, 1e-9),
                          jobs: jobs))
        return SearchOutcome(document: document, model: model)
    }
}

public enum SearchError: Error, Sendable, CustomStringConvertible {
    case noWorkingPipeline(evaluated: Int, failed: Int, timedOut: Int)

    public var description: String {
        switch self {
        case .noWorkingPipeline(let evaluated, let failed, let timedOut):
            return "no pipeline could be fitted: \(evaluated) evaluated, \(failed) failed, \(timedOut) timed out. "
                + "Run with --verbosity 3 to see why each failed, or try --config light."
        }
    }
}
