import ArgumentParser
import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search for the best pipeline on a CSV file and write it as JSON.")

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Metric to maximise: accuracy, balanced_accuracy, f1_macro, roc_auc, neg_log_loss (classification); r2, neg_mean_squared_error, neg_mean_absolute_error (regression). Default: accuracy or r2.")
    var scoring: String?

    @Option(name: .long, help: "Number of cross-validation folds (stratified for classification).")
    var cv: Int = 5

    @Option(name: .customLong("test-size"), help: "Fraction of rows held out for the final score (0 to hold out none).")
    var testSize: Double = 0.25

    @Option(name: .long, help: "Number of generations.")
    var generations: Int = 10

    @Option(name: .customLong("population-size"), help: "Pipelines kept each generation.")
    var populationSize: Int = 40

    @Option(name: .customLong("offspring-size"), help: "Pipelines bred each generation (default: the population size).")
    var offspringSize: Int?

    @Option(name: .customLong("mutation-rate"), help: "Probability that an offspring comes from mutation.")
    var mutationRate: Double = 0.9

    @Option(name: .customLong("crossover-rate"), help: "Probability that an offspring comes from crossover.")
    var crossoverRate: Double = 0.1

    @Option(name: .long, help: "Random seed: the same seed gives the same result, whatever --jobs.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "Evaluations run in parallel (default: all cores).")
    var jobs: Int?

    @Option(name: .customLong("max-eval-time"), help: "Time limit for one pipeline's evaluation (e.g. 30s, 5m).")
    var maxEvalTime: String = "5m"

    @Option(name: .shortAndLong, help: "Where to write the result document.")
    var output: String = "best.json"

    @Option(name: .long, help: "0: quiet, 1: a line per generation, 2: also a progress bar, 3: also the Pareto front.")
    var verbosity: Int = 1

    @OptionGroup var cluster: ClusterClientOptions

    func validate() throws {
        if let jobs, jobs < (cluster.isEnabled ? 0 : 1) { throw ValidationError("--jobs must be at least 1; got \(jobs).") }
        if !(0...3).contains(verbosity) { throw ValidationError("--verbosity must be 0, 1, 2 or 3; got \(verbosity).") }
    }

    func run() async throws {
        try await runReportingErrors {
            let loaded = try data.load()
            let dataset = loaded.dataset
            for warning in dataset.warnings { Stderr.write("warning: \(warning)\n") }
            let metric: Metric
            if let scoring {
                guard let named = Metric.named(scoring) else {
                    throw DataError.invalidOption("unknown --scoring '\(scoring)'. Choose one of: "
                        + Metric.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                }
                metric = named
            } else {
                metric = Metric.defaultMetric(for: dataset.task)
            }
            let settings = SearchSettings(
                generations: generations, populationSize: populationSize, offspringSize: offspringSize,
                mutationRate: mutationRate, crossoverRate: crossoverRate, cvFolds: cv, testSize: testSize,
                metric: metric, seed: seed,
                maxEvalSeconds: try DurationText.seconds(maxEvalTime, option: "--max-eval-time"))
            let jobCount = jobs ?? (cluster.isEnabled ? 0 : ProcessInfo.processInfo.activeProcessorCount)
            let runner = SearchRunner(settings: settings, space: .standard(), jobs: jobCount, dataPath: data.path)
            if verbosity >= 1 {
                Stderr.write("autopipe: \(dataset.task.rawValue) of '\(dataset.target.name)' on \(dataset.rowCount) rows x "
                    + "\(dataset.schema.featureCount) features; \(settings.generations) generations of "
                    + "\(settings.populationSize), \(settings.cvFolds)-fold CV, \(jobCount) job\(jobCount == 1 ? "" : "s")"
                    + (cluster.scheduler.map { " + the cluster at \($0)" } ?? "") + "\n")
            }
            let progress = ProgressReporter(enabled: verbosity >= 2 && Stderr.isTerminal,
                                            perGeneration: settings.effectiveOffspringSize)
            let outcome = try await runner.run(
                dataset: dataset, droppedRows: loaded.droppedRows,
                log: { report in
                    progress.clear()
                    if verbosity >= 1 {
                        Stderr.write("Generation \(report.generation) - best CV \(metric.rawValue) "
                            + "\(format(report.bestScore)) - \(report.evaluations) pipelines evaluated\n")
                    }
                    if verbosity >= 3 {
                        for member in report.front {
                            Stderr.write("    \(format(member.score))  \(member.size) op  \(member.pipeline)\n")
                        }
                    }
                },
                onResult: { _ in progress.tick() },
                makeEvaluator: try cluster.evaluatorFactory(
                    localJobs: jobCount, searchName: "\(URL(fileURLWithPath: data.path).lastPathComponent) (seed \(seed))",
                    notice: { line in if verbosity >= 1 { progress.clear(); Stderr.write("autopipe: \(line)\n") } }))
            progress.clear()
            let document = outcome.document
            try document.encoded().write(to: URL(fileURLWithPath: output), options: .atomic)
            print(SearchSummary.text(document, output: output))
        }
    }
}

func format(_ score: Double) -> String {
    score.isFinite ? String(format: "%.4f", score) : "n/a"
}

enum SearchSummary {
    static func text(_ document: ResultDocument, output: String) -> String {
        var lines: [String] = []
        lines.append("Best pipeline: \(document.pipelineText)")
        lines.append("CV \(document.metric.rawValue): \(format(document.cvScore))"
            + (document.holdoutScore.map { "   held-out \(document.metric.rawValue): \(format($0))" } ?? ""))
        lines.append("Evaluated \(document.statistics.evaluations) pipelines (\(document.statistics.failed) failed, "
            + "\(document.statistics.timedOut) timed out) in \(String(format: "%.1f", document.timing.seconds)) s "
            + "(\(String(format: "%.1f", document.timing.evaluationsPerSecond)) per second)")
        lines.append("Wrote \(output)")
        return lines.joined(separator: "\n")
    }
}
