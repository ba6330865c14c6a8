import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// `autopipe predict`: applies a search's fitted pipeline to new rows, streaming.
///
/// The CSV is read a chunk at a time (`CSVChunkReader`, the next chunk parsed on another thread while the current
/// one is predicted), each chunk encoded with the recorded feature schema and predicted, and its output lines
/// written before the next chunk: memory stays at a few chunks whatever the file's size (plus, when the file has
/// the target column, the targets and predictions needed to score it).
///
/// Output: the columns that are not features (`--ignore-columns`) that the file has, then the prediction under
/// the target's name (original class labels, or values), then with `probabilities` one column per class:
/// `proba_<class>` (predict_proba) or, for a learner without probabilities, `decision_<class>` (decision_function
/// values). Checks against the schema: a missing feature column or a numeric column holding text is an error;
/// extra columns and categories the training data did not have (encoded as the encoder was designed to: all
/// zeros one-hot, -1 ordinal) give warnings.
public final class Predictor {
    public struct Options: Sendable {
        public var probabilities: Bool
        public var csv: CSVOptions
        /// Nominal bytes of CSV per chunk. 1 MiB: a chunk's table and matrices stay in cache between parsing
        /// and predicting, and the first and last chunks (when one thread waits for the other) are short.
        /// On `make bench-predict`'s 100 MB file this took 0.42 s against 0.52 s with 8 MiB, at half the memory.
        public var chunkBytes: Int

        public init(probabilities: Bool = false, csv: CSVOptions = CSVOptions(), chunkBytes: Int = 1 << 20) {
            self.probabilities = probabilities
            self.csv = csv
            self.chunkBytes = chunkBytes
        }
    }

    public struct Summary: Sendable {
        public var rows: Int
        /// The metric on the rows with a target, when the file has the target column (nil otherwise, or when
        /// some rows have a class the model does not know).
        public var score: Double?
        public var scoredRows: Int
        public var metric: Metric
    }

    let result: ResultFile
    let model: FittedPipeline
    let schema: FeatureSchema
    let document: ResultDocument

    public init(result: ResultFile, model: ModelFile) {
        self.result = result
        self.model = model.model
        document = result.document
        schema = result.document.schema
    }

    /// Predicts every row of `path` into `output`. `warn` receives each warning once.
    public func run(csv path: String, output: PredictionOutput, options: Options = Options(),
                    warn: (String) -> Void) throws -> Summary {
        let reader = try CSVChunkReader(path: path, options: options.csv, chunkBytes: options.chunkBytes)
        let plan = try ColumnPlan(schema: schema, target: document.target, names: reader.names, path: path)
        for name in plan.extraColumns {
            warn("column '\(name)' of '\(path)' is not one the pipeline was trained with; it is ignored")
        }
        let classification = document.task == .classification
        let probabilities = options.probabilities && classification
        if options.probabilities && !classification {
            warn("--proba: a regression pipeline has no class probabilities; writing the predicted values only")
        }
        let scorer = plan.targetColumn.map { PredictionScorer(document: document, column: $0) }
        let classes = document.target.classes ?? []
        let labelFields = classes.map(CSVLineBuilder.quoted)
        var unseen = UnseenCategories(schema: schema)

        let prefetch = ChunkPrefetcher(reader: reader)
        defer { prefetch.stop() }
        var rows = 0
        var headerWritten = false
        var scoreColumns: (prefix: String, written: Bool)? = probabilities ? ("proba_", false) : nil
        while let chunk = try prefetch.next() {
            let table = chunk.table
            try plan.checkTypes(table, chunk: chunk, path: path)
            let x = try schema.encode(table)
            unseen.count(table)
            var predicted: [Int] = [], values: [Double] = []
            var scores: Matrix?, areProbabilities = false
            do {
                if classification {
                    if probabilities || scorer?.needsScores == true {
                        guard case .classes(let p, let s, let areP) = try model.predictions(x) else {
                            throw OperatorError.invalidModel(reason: "a classification model predicted values")
                        }
                        predicted = p
                        scores = s
                        areProbabilities = areP
                    } else {
                        predicted = try model.predictClasses(x)
                    }
                } else {
                    values = try model.predictValues(x)
                }
            } catch OperatorError.nonFiniteInput(let name) {
                throw ExportError.badData(path: path, reason: plan.describeNonFinite(x, chunk: chunk, operator: name,
                                                                                     imputed: !result.preprocessing.isEmpty))
            }
            if var columns = scoreColumns, !columns.written {
                if scores == nil {
                    throw ExportError.badData(path: path, reason: "--proba: the learner \(document.pipeline.rootStep?.name ?? "") "
                        + "has neither class probabilities nor decision values")
                }
                if !areProbabilities {
                    columns.prefix = "decision_"
                    warn("--proba: \(document.pipeline.rootStep?.name ?? "the learner") has no class probabilities; "
                        + "writing its decision values instead (columns decision_<class>)")
                }
                columns.written = true
                scoreColumns = columns
            }
            var line = CSVLineBuilder()
            line.bytes.reserveCapacity(table.rowCount * (16 + plan.idColumns.count * 12 + (probabilities ? classes.count * 22 : 0)))
            if !headerWritten {
                var first = true
                for column in plan.idColumns {
                    line.field(column.name, first: first)
                    first = false
                }
                line.field(document.target.name, first: first)
                if let columns = scoreColumns {
                    for label in classes { line.field(columns.prefix + label, first: false) }
                }
                line.endLine()
                headerWritten = true
            }
            for r in 0..<table.rowCount {
                var first = true
                for column in plan.idColumns {
                    line.cell(of: table, row: r, column: column.index, first: first)
                    first = false
                }
                if classification {
                    let c = predicted[r]
                    line.raw(c >= 0 && c < labelFields.count ? labelFields[c] : [], first: first)
                    if scoreColumns != nil, let scores {
                        scores.values.withUnsafeBufferPointer { s in
                            let base = r * scores.columns
                            for k in 0..<min(scores.columns, classes.count) { line.number(s[base + k], first: false) }
                        }
                    }
                } else {
                    line.number(values[r], first: first)
                }
                line.endLine()
            }
            try output.write(line.bytes)
            scorer?.add(table, predicted: predicted, values: values, scores: scores, areProbabilities: areProbabilities)
            rows += table.rowCount
        }
        if !headerWritten {
            throw ExportError.badData(path: path, reason: "it has a header but no rows to predict")
        }
        try output.finish()
        for message in unseen.warnings() { warn(message) }
        var summary = Summary(rows: rows, score: nil, scoredRows: 0, metric: document.metric)
        if let scorer {
            if let problem = scorer.problem {
                warn(problem)
            } else if scorer.count > 0 {
                summary.score = scorer.score()
                summary.scoredRows = scorer.count
            }
        }
        return summary
    }
}

/// Reads the next chunk on a background thread while the caller works on the current one.
final class ChunkPrefetcher: @unchecked Sendable {
    private let reader: CSVChunkReader
    private let condition = NSCondition()
    private var ready: [Result<CSVChunkReader.Chunk?, Error>] = []
    private var stopped = false
    private var thread: Thread?
    private let depth = 1

    init(reader: CSVChunkReader) {
        self.reader = reader
        let thread = Thread { [weak self] in self?.produce() }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    private func produce() {
        while true {
            condition.lock()
            while !stopped && ready.count > depth { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            condition.unlock()
            let item: Result<CSVChunkReader.Chunk?, Error>
            do { item = .success(try reader.next()) } catch { item = .failure(error) }
            condition.lock()
            ready.append(item)
            condition.broadcast()
            condition.unlock()
            if case .success(.some) = item { continue }
            return
        }
    }

    func next() throws -> CSVChunkReader.Chunk? {
        condition.lock()
        while ready.isEmpty && !stopped { condition.wait() }
        guard !ready.isEmpty else {
            condition.unlock()
            return nil
        }
        let item = ready.removeFirst()
        condition.broadcast()
        condition.unlock()
        return try item.get()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
