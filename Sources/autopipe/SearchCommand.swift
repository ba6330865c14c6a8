import ArgumentParser
import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search for the best pipeline on a CSV file and write it as JSON.",
        discussion: """
            Every TPOT option is available under these names. Search settings left unset take their default, \
            or with --resume the value saved in the checkpoint. With --max-time and no --generations, the \
            search runs until the time is up.
            """)

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Metric to maximise: accuracy, balanced_accuracy, f1_macro, roc_auc, neg_log_loss (classification); r2, neg_mean_squared_error, neg_mean_absolute_error (regression). Default: accuracy or r2.")
    var scoring: String?

    @Option(name: .long, help: "Number of cross-validation folds (stratified for classification). Default: 5.")
    var cv: Int?

    @Option(name: .customLong("test-size"), help: "Fraction of rows held out for the final score (0 to hold out none). Default: 0.25.")
    var testSize: Double?

    @Option(name: .long, help: "Fraction of the training rows used to evaluate pipelines (the final refit uses all). Default: 1.")
    var subsample: Double?

    @Option(name: .long, help: "Generations after the initial population. Default: 10, or until --max-time is up when only --max-time is given.")
    var generations: Int?

    @Option(name: .customLong("population-size"), help: "Pipelines kept each generation. Default: 40.")
    var populationSize: Int?

    @Option(name: .customLong("offspring-size"), help: "Pipelines bred each generation. Default: the population size.")
    var offspringSize: Int?

    @Option(name: .customLong("mutation-rate"), help: "Probability that an offspring comes from mutation. Default: 0.9.")
    var mutationRate: Double?

    @Option(name: .customLong("crossover-rate"), help: "Probability that an offspring comes from crossover. Default: 0.1.")
    var crossoverRate: Double?

    @Option(name: .long, help: "Random seed: the same seed gives the same result, whatever --jobs or --scheduler (workers with the same kind of CPU). Default: 42.")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Evaluations run in parallel on this machine (default: all cores; with --scheduler: 0, only the workers evaluate).")
    var jobs: Int?

    @Option(name: .customLong("max-time"), help: ArgumentHelp("Time limit of the whole command, final refit and output included (e.g. 90s, 10m, 2h).", valueName: "duration"))
    var maxTime: String?

    @Option(name: .customLong("max-eval-time"), help: ArgumentHelp("Time limit of one pipeline's evaluation (e.g. 30s, 5m; 'none' for no limit). Default: 5m.", valueName: "duration"))
    var maxEvalTime: String?

    @Option(name: .long, help: ArgumentHelp("Operators to search: default (all, TPOT's grids), light (TPOT light's fast subset), or a JSON file {\"Operator\": {\"parameter\": [values]}}. Default: default.", valueName: "name|file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Fixed pipeline shape, steps from the data to the learner: roles (Selector, Transformer, Preprocessor, Classifier, Regressor) or operator names, e.g. Selector-Transformer-Classifier.", valueName: "steps"))
    var template: String?

    @Option(name: .customLong("early-stop"), help: "Stop after this many generations without a change of the Pareto front.")
    var earlyStop: Int?

    @Option(name: .long, help: "0: quiet, 1: a line per generation and a final report, 2: also a progress bar with ETA (on a terminal), 3: also the Pareto front each generation.")
    var verbosity: Int = 1

    @Option(name: .customLong("log-file"), help: ArgumentHelp("Also write the progress lines and the final report to this file.", valueName: "file"))
    var logFile: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the result document.", valueName: "file"))
    var output: String = "best.json"

    @Option(name: .long, help: ArgumentHelp("Save the complete search state to this file after every generation (atomically).", valueName: "file"))
    var checkpoint: String?

    @Option(name: .long, help: ArgumentHelp("Continue the search saved in this checkpoint (the data must be the same; settings not given are taken from it). Checkpoints go on to --checkpoint, or to this file.", valueName: "file"))
    var resume: String?

    @Option(name: .long, help: ArgumentHelp("Write one JSON line per evaluated pipeline to this file.", valueName: "file"))
    var evaluations: String?

    @Option(name: .customLong("save-split"), help: ArgumentHelp("Write the training and held-out rows the search used to DIR/train.csv and DIR/test.csv.", valueName: "dir"))
    var saveSplit: String?

    @Option(name: .customLong("memo-mb"), help: ArgumentHelp("Memory for the outputs of sub-pipelines already fitted on a fold, reused by later pipelines that contain them (0: fit every pipeline from scratch; results are the same either way). Default: 256.", valueName: "MB"))
    var memoMB: Int = 256

    @Flag(name: .customLong("list-operators"), help: "Print the operator space of --config (by role, with parameter grids) and exit.")
    var listOperators = false

    @OptionGroup var cluster: ClusterClientOptions

    func validate() throws {
        if let jobs, jobs < (cluster.isEnabled ? 0 : 1) {
            throw ValidationError("--jobs must be at least \(cluster.isEnabled ? "0 with --scheduler" : "1"); got \(jobs).")
        }
        if memoMB < 0 || memoMB > Int.max >> 20 {
            throw ValidationError("--memo-mb must be between 0 and \(Int.max >> 20) megabytes; got \(memoMB).")
        }
        if !(0...3).contains(verbosity) { throw ValidationError("--verbosity must be 0, 1, 2 or 3; got \(verbosity).") }
        if !listOperators && data.path.isEmpty { throw ValidationError("Missing expected argument '<path>' (the CSV file).") }
    }

    func run() async throws {
        let startedAt = ContinuousClock.now
        try await runReportingErrors {
            if listOperators {
                try printOperators()
                return
            }
            MemoryTuning.reuseLargeBlocks()
            try await search(startedAt: startedAt)
        }
    }

    func printOperators() throws {
        let space = try SearchSpace.configuration(config ?? ConfigPreset.default.rawValue).validated()
        var task: Task?
        if let name = data.task {
            guard let parsed = Task(rawValue: name) else {
                throw DataError.invalidOption("--task must be 'classification' or 'regression'; got '\(name)'.")
            }
            task = parsed
        }
        print(SpaceListing.text(space, task: task))
    }
}
