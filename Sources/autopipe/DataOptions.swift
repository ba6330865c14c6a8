import ArgumentParser
import AutopipeData
import Foundation

/// Options shared by the subcommands that read a CSV.
struct DataOptions: ParsableArguments {
    @Argument(help: "The CSV file (header row first).")
    var path: String = ""

    @Option(name: .long, help: "Target column (default: the last column).")
    var target: String?

    @Option(name: .long, help: "classification or regression (default: inferred from the target).")
    var task: String?

    @Option(name: .long, help: "Field delimiter: a character such as ',' ';' '|' or 'tab' (default: sniffed from the header).")
    var delimiter: String?

    @Option(name: .customLong("ignore-columns"), help: "Comma-separated columns that are not features (ids, leaks).")
    var ignoreColumns: String?

    struct Loaded {
        let dataset: Dataset
        let droppedRows: Int
        /// The file as read (every column), for writing rows back out; only kept when asked for, since the
        /// dataset otherwise takes over the table's storage (one copy of the data in memory).
        let table: Table?
    }

    func load(keepingTable: Bool = false) throws -> Loaded {
        if path.isEmpty { throw DataError.invalidOption("missing the CSV file argument.") }
        var csv = CSVOptions()
        if let delimiter { csv.delimiter = try CSVOptions.delimiter(from: delimiter) }
        var forcedTask: Task?
        if let task {
            guard let parsed = Task(rawValue: task) else {
                throw DataError.invalidOption("--task must be 'classification' or 'regression'; got '\(task)'.")
            }
            forcedTask = parsed
        }
        let table = try CSVReader(options: csv).read(path: path)
        let ignored = ignoreColumns.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        let options = DatasetOptions(target: target, task: forcedTask, ignoredColumns: ignored)
        let rows = table.rowCount
        if keepingTable {
            let dataset = try Dataset(table: table, options: options)
            return Loaded(dataset: dataset, droppedRows: rows - dataset.rowCount, table: table)
        }
        let dataset = try Dataset(table: consume table, options: options)
        return Loaded(dataset: dataset, droppedRows: rows - dataset.rowCount, table: nil)
    }
}
