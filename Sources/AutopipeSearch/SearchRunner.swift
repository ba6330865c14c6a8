import AutopipeData
import AutopipeOperators
import Foundation

/// What a finished search hands back: the document for `best.json` and the final fitted pipeline (nil only when
/// `--max-time` left no time to refit any pipeline of the front).
public struct SearchOutcome: Sendable {
    public let document: ResultDocument
    public let model: FittedPipeline?
    public let split: TrainTestSplit
}

/// Runs a whole search on a dataset: held-out split, fold plan, evolution (with checkpoints, records, time
/// limits), final refit and held-out score.
///
/// Reproducibility: everything but `timing` in the result is a function of the data, the settings and the seed,
/// whatever `jobs`, and whether or not the search was resumed from a checkpoint. When `--max-time` stops the
/// search, the generation in progress is discarded (its evaluations are cancelled or ignored), so the result is
/// the one a run with `--generations G` gives, G being the generations completed in time; G depends on the
/// machine's speed, so a time-limited run is not reproducible across machines. (Only when the time runs out
/// before the initial population is complete are its finished evaluations used: the best of them is reported.)
/// Evaluations that hit `--max-eval-time` are recorded as timed out, which also depends on the machine.
public struct SearchRunner: Sendable {
    public var settings: SearchSettings
    public var space: SearchSpace
    public var jobs: Int
    public var dataPath: String
    public var registry: OperatorRegistry
    public var files: SearchFiles
    /// When the command started (`--max-time` counts from here).
    public var startedAt: ContinuousClock.Instant
    /// Lets the caller stop the search early and still get its result (Ctrl-C).
    public var interrupt: SearchInterrupt?
    /// Bytes of sub-pipeline outputs kept for reuse by local evaluations (`FitMemo`; 0: none). Speed only.
    public var memoBytes = EvaluationProblem.defaultMemoBytes

    public init(settings: SearchSettings, space: SearchSpace, jobs: Int, dataPath: String,
                registry: OperatorRegistry = .standard, files: SearchFiles = SearchFiles(),
                startedAt: ContinuousClock.Instant = .now) {
        self.settings = settings
        self.space = space
        self.jobs = jobs
        self.dataPath = dataPath
        self.registry = registry
        self.files = files
        self.startedAt = startedAt
    }

    /// - Parameter makeEvaluator: builds the evaluator for the prepared problem and the search's cancellation
    ///   token (local threads by default).
    public func run(dataset: Dataset, droppedRows: Int = 0, observer: SearchObserver = SearchObserver(),
                    makeEvaluator: ((EvaluationProblem, CancellationToken) -> any Evaluator)? = nil) async throws
        -> SearchOutcome
    {
        try settings.validate()
        guard settings.metric.task == dataset.task else {
            throw DataError.invalidOption("--scoring \(settings.metric.rawValue) is a \(settings.metric.task.rawValue) metric, "
                + "but target '\(dataset.target.name)' is a \(dataset.task.rawValue) target. "
                + "Use one of: " + Metric.allCases.filter { $0.task == dataset.task }.map(\.rawValue).joined(separator: ", ") + ".")
        }
        try observer.splitReady(SearchPreparation.split(settings: settings, dataset: dataset))
        let prepared = try SearchPreparation(settings: settings, space: space, dataset: dataset, registry: registry,
                                             memoBytes: memoBytes)
        var state: SearchState?
        if let resume = files.resume {
            state = try restore(resume, prepared: prepared, dataset: dataset)
            observer.note("resuming from '\(resume)' after generation \(state?.generation ?? 0) "
                + "(\(state?.evaluated.count ?? 0) pipelines evaluated)")
        }

        let token = CancellationToken()
        let budget = TimeBudget(start: startedAt, limit: settings.maxTimeSeconds, token: token)
        defer { budget.finish() }
        interrupt?.attach(token)
        let evaluator = makeEvaluator?(prepared.problem, token)
            ?? LocalEvaluator(problem: prepared.problem, jobs: jobs, cancellation: token)
        let evolver = Evolver(settings: settings, generator: prepared.generator, evaluator: evaluator,
                              registry: registry, cancellation: token, state: state)
        let log = try files.evaluations.map { try EvaluationLog(path: $0, existing: evolver.state.evaluated) }
        let search = try await SearchLoop(runner: self, prepared: prepared, evolver: evolver, budget: budget, log: log,
                                          observer: observer).run(resumedEvaluations: evolver.evaluationCount)
        budget.finish()
        // The refit runs here while the evaluation threads idle: they help its fit.
        return try finish(search, prepared: prepared, dataset: dataset, droppedRows: droppedRows, budget: budget,
                          observer: observer, helpers: (evaluator as? LocalEvaluator)?.pool.helpers)
    }

    /// The checkpoint's state, after checking it belongs to this search.
    func restore(_ path: String, prepared: SearchPreparation, dataset: Dataset) throws -> SearchState {
        let checkpoint = try Checkpoint.load(from: path)
        let differences = checkpoint.differences(settings: settings, task: dataset.task, space: prepared.space,
                                                 dataFingerprint: dataset.fingerprint)
        guard differences.isEmpty else { throw PersistenceError.cannotResume(path: path, reasons: differences) }
        var state = checkpoint.state
        do {
            try state.recanonicalize(task: dataset.task, registry: registry)
        } catch CheckpointError.incompatible(let reasons) {
            throw PersistenceError.cannotResume(path: path, reasons: reasons)
        } catch let error as OperatorError {
            throw PersistenceError.cannotResume(path: path, reasons: ["a saved pipeline is not valid here: \(error)"])
        }
        return state
    }

    /// Refits the best pipeline on the whole training split, scores it on the held-out rows and builds the
    /// document. Under `--max-time`, a refit that runs out of time falls back to the cheapest-to-fit front
    /// members; if none fits in time the document reports the best pipeline without a held-out score.
    func finish(_ search: SearchLoop.Summary, prepared: SearchPreparation, dataset: Dataset, droppedRows: Int,
                budget: TimeBudget, observer: SearchObserver, helpers: (any IdleHelpers)? = nil) throws -> SearchOutcome {
        let refitStart = ContinuousClock.now
        let evolver = search.evolver
        guard let best = evolver.best else {
            throw SearchError.noWorkingPipeline(evaluated: evolver.evaluationCount, failed: evolver.failedCount,
                                                timedOut: evolver.timedOutCount,
                                                timeLimited: search.stopReason == .timeLimit || search.stopReason == .interrupted,
                                                commonReason: Self.commonFailure(evolver.state.evaluated))
        }
        var chosen = best
        var model: FittedPipeline?
        let fallbacks = evolver.front.filter { $0.key != best.key }.sorted {
            ($0.result.computeSeconds, $0.key) < ($1.result.computeSeconds, $1.key)
        }
        for candidate in [best] + fallbacks {
            do {
                model = try prepared.refit(candidate.pipeline, cancellation: budget.refitToken(), helpers: helpers)
                chosen = candidate
                break
            } catch let error as OperatorError {
                if case .timedOut = error {
                    observer.note("the refit of \(candidate.pipeline) ran out of --max-time; trying a cheaper pipeline")
                } else {
                    observer.note("the refit of \(candidate.pipeline) failed (\(error)); trying the next pipeline")
                }
                if budget.refitRemaining <= 0 { break }
            }
        }
        var holdout: Double?
        if let model, !prepared.split.test.isEmpty {
            let test = dataset.selecting(rows: prepared.split.test)
            holdout = settings.metric.score(truth: test.targets, predictions: try model.predictions(test.features))
        }
        let refitSeconds = refitStart.secondsElapsed
        let document = ResultDocument(
            formatVersion: ResultDocument.currentFormatVersion,
            autopipeVersion: AutopipeVersion.current,
            task: dataset.task, target: dataset.target, schema: dataset.schema, metric: settings.metric,
            pipeline: chosen.pipeline, pipelineText: chosen.pipeline.description,
            preprocessing: prepared.problem.hasMissingValues ? [PipelineProblemSupport.imputer] : [],
            cvScore: chosen.score, cvFoldScores: chosen.result.foldScores, holdoutScore: holdout,
            refitted: model != nil, seed: settings.seed, settings: settings,
            paretoFront: evolver.front.map {
                .init(pipeline: $0.pipeline, text: $0.pipeline.description, cvScore: $0.score, operatorCount: $0.size)
            },
            data: .init(path: dataPath, rows: dataset.rowCount, trainRows: prepared.split.train.count,
                        testRows: prepared.split.test.count, fingerprint: dataset.fingerprint, droppedRows: droppedRows),
            statistics: .init(evaluations: evolver.evaluationCount, failed: evolver.failedCount,
                              timedOut: evolver.timedOutCount, generations: max(evolver.state.generation, 0),
                              stopReason: search.stopReason, discardedEvaluations: search.discarded),
            timing: .init(seconds: startedAt.secondsElapsed,
                          evaluationsPerSecond: Double(search.evaluationsThisRun) / max(search.seconds, 1e-9),
                          jobs: jobs, searchSeconds: search.seconds, refitSeconds: refitSeconds,
                          cpuSeconds: search.cpuSeconds,
                          cpuUtilisation: search.cpuSeconds / max(search.seconds * Double(max(jobs, 1)), 1e-9),
                          workerBusyFraction: search.busySeconds.map { $0 / max(search.seconds * Double(max(jobs, 1)), 1e-9) },
                          // Local evaluations only (remote workers keep their own memo).
                          reusedFits: search.busySeconds.map { _ in prepared.problem.memo.statistics.hits }))
        return SearchOutcome(document: document, model: model, split: prepared.split)
    }
}

extension SearchRunner {
    /// The most frequent failure reason among `evaluated`, with its count (nil when none failed).
    static func commonFailure(_ evaluated: [Individual]) -> String? {
        var counts: [String: Int] = [:]
        for individual in evaluated {
            switch individual.result.status {
            case .ok: continue
            case .failed(let error): counts[error.description, default: 0] += 1
            case .timedOut: counts["timed out (--max-eval-time)", default: 0] += 1
            }
        }
        guard let top = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return nil }
        return "\(top.key) (\(top.value) time\(top.value == 1 ? "" : "s"))"
    }
}

public enum SearchError: Error, Sendable, CustomStringConvertible {
    case noWorkingPipeline(evaluated: Int, failed: Int, timedOut: Int, timeLimited: Bool, commonReason: String?)

    public var description: String {
        switch self {
        case .noWorkingPipeline(let evaluated, let failed, let timedOut, let timeLimited, let reason):
            let because = reason.map { " Most common reason: \($0)." } ?? ""
            if timeLimited && evaluated == failed + timedOut {
                return "no pipeline finished within --max-time (\(evaluated) evaluated, \(failed) failed, "
                    + "\(timedOut) timed out).\(because) Give the search more time."
            }
            return "no pipeline could be fitted: \(evaluated) evaluated, \(failed) failed, \(timedOut) timed out."
                + "\(because) Use --evaluations FILE to see why each failed, or try --config light."
        }
    }
}
