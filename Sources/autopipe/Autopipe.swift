import ArgumentParser
import AutopipeSearch

@main
struct Autopipe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autopipe",
        abstract: "Native AutoML: evolutionary search over machine-learning pipelines.",
        discussion: """
            autopipe reads a CSV, infers the task, runs TPOT-style genetic programming over pipelines of \
            preprocessors, selectors and learners (scored by cross-validation, selected by NSGA-II on score \
            versus pipeline size) and writes the winning pipeline as JSON.

            Example: autopipe search datasets/iris.csv --target species --generations 5 --population-size 20
            then: autopipe export best.json --output pipeline.py, or autopipe predict best.json new.csv
            """,
        version: AutopipeVersion.current,
        subcommands: [SearchCommand.self, ExportCommand.self, PredictCommand.self, SchedulerCommand.self,
                      WorkerCommand.self]
    )
}
