import ArgumentParser
import AutopipeData
import AutopipeExport
import AutopipeOperators
import Foundation

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict new rows with the pipeline a search fitted.",
        discussion: """
            Uses the fitted model that `autopipe search` saved beside its result (best.model.json beside best.json). \
            The CSV needs the feature columns of the training data (by name, in any order); other columns are \
            ignored with a warning, except the --ignore-columns of the search, which are copied to the output. \
            Output: those columns, the prediction (original class labels) under the target's name, and with \
            --proba one column per class. When the CSV has the target column, the metric on its rows is printed to \
            stderr. The file is streamed: any number of rows in bounded memory.
            """)

    @Argument(help: "The result document written by `autopipe search` (best.json).")
    var result: String

    @Argument(help: "The CSV to predict (header row first).")
    var data: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the predictions to this file (default: standard output).", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Also write one probability column per class (proba_<class>; decision_<class> for a learner without probabilities).")
    var proba = false

    @Option(name: .long, help: "Field delimiter: a character such as ',' ';' '|' or 'tab' (default: sniffed from the header).")
    var delimiter: String?

    @Option(name: .long, help: "0: no messages, 1: warnings and the score when the CSV has the target column.")
    var verbosity: Int = 1

    func validate() throws {
        if !(0...1).contains(verbosity) { throw ValidationError("--verbosity must be 0 or 1; got \(verbosity).") }
    }

    func run() async throws {
        try await runReportingErrors {
            MemoryTuning.reuseLargeBlocks()
            BLAS.prepare()
            var csv = CSVOptions()
            if let delimiter { csv.delimiter = try CSVOptions.delimiter(from: delimiter) }
            let loaded = try ResultFile.load(result)
            let model = try ModelFile.load(for: loaded)
            let sink = try output.map { try PredictionOutput(path: $0) } ?? PredictionOutput()
            let quiet = verbosity == 0
            let summary = try Predictor(result: loaded, model: model).run(
                csv: data, output: sink, options: .init(probabilities: proba, csv: csv)) { message in
                    if !quiet { Stderr.write("warning: \(message)\n") }
                }
            if !quiet {
                var line = "autopipe: predicted \(summary.rows) row\(summary.rows == 1 ? "" : "s")"
                if let output { line += " into \(output)" }
                if let score = summary.score {
                    line += "; \(summary.metric.rawValue) on the \(summary.scoredRows) rows with a target: \(score)"
                }
                Stderr.write(line + "\n")
            }
        }
    }
}
