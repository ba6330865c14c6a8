import ArgumentParser
import AutopipeData
import AutopipeExport
import AutopipeOperators
import AutopipeSearch
import Foundation

extension SearchCommand {
    func search(startedAt: ContinuousClock.Instant) async throws {
        try checkOutputs()
        let loaded = try data.load(keepingTable: saveSplit != nil)
        let dataset = loaded.dataset
        let console = try Console(verbosity: verbosity, logFile: logFile)
        for warning in dataset.warnings { Stderr.write("warning: \(warning)\n") }
        let saved = try resume.map { try Checkpoint.load(from: $0) }
        let settings = try resolvedSettings(task: dataset.task, checkpoint: saved?.settings)
        let space = try SearchSpace.configuration(settings.config)
        let jobCount = jobs ?? (cluster.isEnabled ? 0 : ProcessInfo.processInfo.activeProcessorCount)
        let files = SearchFiles(checkpoint: checkpoint ?? resume, resume: resume, evaluations: evaluations)
        var runner = SearchRunner(settings: settings, space: space, jobs: jobCount, dataPath: data.path, files: files,
                                  startedAt: startedAt)
        runner.memoBytes = memoMB << 20
        // Ctrl-C (or SIGTERM) once: stop like --max-time and still write the best pipeline found; twice: quit now.
        let interrupt = SearchInterrupt()
        runner.interrupt = interrupt
        let signals = SignalWatcher { signal in
            if interrupt.interrupt() {
                Stderr.write("\nautopipe: \(signal): stopping the search and writing the best pipeline so far "
                    + "(press Ctrl-C again to quit at once)\n")
            } else {
                Stderr.write("autopipe: \(signal) again: quitting without writing a result\n")
                Foundation.exit(130)
            }
        }
        defer { signals.cancel() }
        console.progress(header(dataset, settings, space: space, jobs: jobCount))
        let progress = ProgressReporter(enabled: verbosity >= 2 && Stderr.isTerminal, settings: settings,
                                        startedAt: startedAt)
        let observer = SearchObserver(
            splitReady: { split in try saveSplit.map { try writeSplit(split, loaded, to: $0) } },
            generationStarted: { generation, count in progress.start(generation: generation, evaluations: count) },
            evaluationFinished: { _ in progress.tick() },
            generationFinished: { report in
                progress.clear()
                console.progress(generationLine(report, settings))
                if verbosity >= 3 {
                    for member in report.front {
                        console.progress("    \(format(member.score))  \(member.size) op  \(member.pipeline)")
                    }
                }
            },
            note: { text in
                progress.clear()
                console.progress("autopipe: \(text)")
            })
        let makeEvaluator = try cluster.evaluatorFactory(
            localJobs: jobCount, searchName: "\(URL(fileURLWithPath: data.path).lastPathComponent) (seed \(settings.seed))",
            notice: { line in
                progress.clear()
                console.progress("autopipe: \(line)")
            })
        let outcome = try await runner.run(dataset: dataset, droppedRows: loaded.droppedRows, observer: observer,
                                           makeEvaluator: makeEvaluator)
        progress.clear()
        let document = try SearchResultWriter.write(outcome, to: output)
        console.report(SearchSummary.text(document, output: output))
    }

    /// The search settings: each option as given, else (when resuming) the checkpoint's, else the default.
    func resolvedSettings(task: Task, checkpoint saved: SearchSettings?) throws -> SearchSettings {
        let defaults = SearchSettings()
        var metric = saved?.metric ?? Metric.defaultMetric(for: task)
        if let scoring {
            guard let named = Metric.named(scoring) else {
                throw DataError.invalidOption("unknown --scoring '\(scoring)'. Choose one of: "
                    + Metric.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            metric = named
        }
        let maxTimeSeconds = try maxTime.map { try DurationText.seconds($0, option: "--max-time") }
            ?? saved?.maxTimeSeconds
        var maxEvalSeconds = saved?.maxEvalSeconds ?? defaults.maxEvalSeconds
        if let maxEvalTime {
            maxEvalSeconds = ["none", "off", "0"].contains(maxEvalTime.lowercased())
                ? nil : try DurationText.seconds(maxEvalTime, option: "--max-eval-time")
        }
        // Only --max-time given: run until the time is up.
        let generationCount = generations ?? saved.map(\.generations)
            ?? (maxTime != nil ? nil : defaults.generations)
        return SearchSettings(
            generations: generationCount,
            populationSize: populationSize ?? saved?.populationSize ?? defaults.populationSize,
            offspringSize: offspringSize ?? saved?.offspringSize,
            mutationRate: mutationRate ?? saved?.mutationRate ?? defaults.mutationRate,
            crossoverRate: crossoverRate ?? saved?.crossoverRate ?? defaults.crossoverRate,
            cvFolds: cv ?? saved?.cvFolds ?? defaults.cvFolds,
            testSize: testSize ?? saved?.testSize ?? defaults.testSize,
            subsample: subsample ?? saved?.subsample ?? defaults.subsample,
            metric: metric, seed: seed ?? saved?.seed ?? defaults.seed,
            maxEvalSeconds: maxEvalSeconds, maxTimeSeconds: maxTimeSeconds,
            earlyStop: earlyStop ?? saved?.earlyStop,
            config: config ?? saved?.config ?? defaults.config,
            template: template ?? saved?.template)
    }

    func header(_ dataset: Dataset, _ settings: SearchSettings, space: SearchSpace, jobs: Int) -> String {
        let length = settings.generations.map { "\($0) generation\($0 == 1 ? "" : "s")" }
            ?? "generations until \(DurationText.text(settings.maxTimeSeconds ?? 0))"
        var text = "autopipe: \(dataset.task.rawValue) of '\(dataset.target.name)' on \(dataset.rowCount) rows x "
            + "\(dataset.schema.featureCount) features; \(length), population \(settings.populationSize), "
            + "\(settings.cvFolds)-fold CV, \(jobs) job\(jobs == 1 ? "" : "s")"
            + (cluster.scheduler.map { " + the cluster at \($0)" } ?? "") + ", config \(space.name)"
        if let limit = settings.maxTimeSeconds, settings.generations != nil {
            text += ", at most \(DurationText.text(limit))"
        }
        return text
    }

    func generationLine(_ report: GenerationReport, _ settings: SearchSettings) -> String {
        let of = settings.generations.map { "/\($0)" } ?? ""
        return "Generation \(report.generation)\(of): best CV \(settings.metric.rawValue) \(format(report.bestScore)) - "
            + "\(report.newEvaluations) new, \(report.evaluations) evaluated (\(report.failed) failed, "
            + "\(report.timedOut) timed out) - \(String(format: "%.1f", report.seconds)) s"
    }

    /// `--save-split DIR`: the source rows of each part, as they were in the CSV (all columns).
    /// Every file the search writes, checked before it starts: a missing or read-only directory is reported now,
    /// not after hours of search.
    func checkOutputs() throws {
        try OutputCheck.writable(output, option: "--output")
        try OutputCheck.writable(ModelFile.path(forResult: output), option: "--output")
        if let checkpoint {
            try OutputCheck.writable(checkpoint, option: "--checkpoint")
        } else if let resume {
            try OutputCheck.writable(resume, option: "--resume")
        }
        if let evaluations { try OutputCheck.writable(evaluations, option: "--evaluations") }
        if let logFile { try OutputCheck.writable(logFile, option: "--log-file") }
    }

    func writeSplit(_ split: TrainTestSplit, _ loaded: DataOptions.Loaded, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError.invalidOption("--save-split: cannot create directory '\(directory)': \(error.localizedDescription)")
        }
        guard let table = loaded.table else { return }
        let rows = loaded.dataset.sourceRows
        let url = URL(fileURLWithPath: directory)
        try CSVWriter.write(table, rows: split.train.map { rows[$0] }, to: url.appendingPathComponent("train.csv").path)
        try CSVWriter.write(table, rows: split.test.map { rows[$0] }, to: url.appendingPathComponent("test.csv").path)
    }
}

func format(_ score: Double) -> String {
    score.isFinite ? String(format: "%.4f", score) : "n/a"
}
