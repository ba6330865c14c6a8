import ArgumentParser
import AutopipeExport
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a search result as a scikit-learn script, a readable tree, or normalised JSON.",
        discussion: """
            python (default): a runnable script that needs only scikit-learn, numpy and pandas. It reads a CSV \
            (its path is the script's argument) as autopipe does, encodes the columns with the recorded schema and \
            imputes as the search did (inside the pipeline), builds the pipeline with make_pipeline / make_union \
            with every hyperparameter and random_state of the result, fits it and writes predictions in the format \
            of `autopipe predict`; its --cv option prints the cross-validated score on autopipe's folds. \
            text: the pipeline as a tree with its parameters and scores. json: the normalised document described by \
            schemas/autopipe-result.schema.json.
            """)

    @Argument(help: "The result document written by `autopipe search` (best.json).")
    var result: String

    @Option(name: .long, help: "python, text or json. Default: python.")
    var format: String = "python"

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard ["python", "text", "json"].contains(format) else {
            throw ValidationError("--format must be python, text or json; got '\(format)'.")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let loaded = try ResultFile.load(result)
            let data: Data
            switch format {
            case "text": data = Data(try TextRenderer().render(loaded).utf8)
            case "json": data = try NormalizedDocument(loaded).encoded()
            default: data = Data(try PythonRenderer().render(loaded).utf8)
            }
            if let output {
                try ExportError.writeAtomically(data, to: output)
                if format == "python" {
                    _ = chmod(output, 0o755)
                }
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}
