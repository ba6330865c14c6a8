import AutopipeData
import AutopipeOperators
import AutopipeSearch

/// How a new CSV's columns relate to the recorded schema: checked once from the header, and per chunk for types.
struct ColumnPlan {
    struct IDColumn {
        let name: String
        let index: Int
    }

    let schema: FeatureSchema
    /// Columns that are not features and are copied to the output (ignored columns other than the target).
    let idColumns: [IDColumn]
    /// Columns the pipeline does not know (ignored, with a warning).
    let extraColumns: [String]
    /// The target column's index, when the file has it (then predict also scores).
    let targetColumn: Int?

    init(schema: FeatureSchema, target: TargetInfo, names: [String], path: String) throws {
        self.schema = schema
        let missing = schema.columns.map(\.name).filter { !names.contains($0) }
        if !missing.isEmpty {
            let list = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw ExportError.badData(path: path, reason: "it has no column \(list), which the pipeline was trained with "
                + "(columns present: \(names.map { "'\($0)'" }.joined(separator: ", "))). "
                + "Add \(missing.count == 1 ? "it" : "them") with the same name\(missing.count == 1 ? "" : "s").")
        }
        let features = Set(schema.columns.map(\.name))
        let ignored = Set(schema.ignored)
        idColumns = schema.ignored.filter { $0 != target.name }.compactMap { name in
            names.firstIndex(of: name).map { IDColumn(name: name, index: $0) }
        }
        extraColumns = names.filter { !features.contains($0) && !ignored.contains($0) }
        targetColumn = names.firstIndex(of: target.name)
    }

    /// A numeric feature column that holds text in this chunk is an error naming the column, the row and the text.
    func checkTypes(_ table: Table, chunk: CSVChunkReader.Chunk, path: String) throws {
        for column in schema.columns where column.kind == .numeric {
            guard let index = table.index(of: column.name), table.kinds[index] == .categorical else { continue }
            let levels = table.levels[index]
            var row = 0
            for r in 0..<table.rowCount {
                let code = table.cells[r, index]
                if !code.isNaN, code >= 0, Int(code) < levels.count, NumberParsing.parse(levels[Int(code)]) == nil {
                    row = r
                    break
                }
            }
            let text = table.text(row: row, column: index) ?? ""
            throw ExportError.badData(path: path, reason: "column '\(column.name)' was numeric in the training data, but "
                + "data row \(chunk.firstRow + row + 1) holds the text '\(text)'. Fix the value (or mark it missing).")
        }
    }

    /// The message for a missing or infinite value that reached an operator that cannot take it.
    func describeNonFinite(_ x: Matrix, chunk: CSVChunkReader.Chunk, operator name: String, imputed: Bool) -> String {
        var owner: [String] = []
        for column in schema.columns { owner += Array(repeating: column.name, count: column.width) }
        var found: (row: Int, column: String, missing: Bool)?
        x.values.withUnsafeBufferPointer { values in
            for i in values.indices where !values[i].isFinite {
                let c = i % max(x.columns, 1)
                found = (i / max(x.columns, 1), c < owner.count ? owner[c] : "?", values[i].isNaN)
                break
            }
        }
        guard let found else {
            return "\(name) met a value that is not a finite number while predicting rows \(chunk.firstRow + 1)"
                + "-\(chunk.firstRow + chunk.table.rowCount)."
        }
        let what = found.missing ? "is missing" : "is infinite"
        var text = "column '\(found.column)' \(what) in data row \(chunk.firstRow + found.row + 1), and \(name) cannot "
            + "take that."
        if found.missing && !imputed {
            text += " The training data had no missing values, so the pipeline has no imputer: fill the value in or "
                + "drop the row."
        }
        return text
    }
}

/// Counts, per categorical column, the cells whose category the training data did not have.
struct UnseenCategories {
    let schema: FeatureSchema
    private var counts: [String: [String: Int]] = [:]

    init(schema: FeatureSchema) {
        self.schema = schema
    }

    mutating func count(_ table: Table) {
        for column in schema.columns where column.kind == .categorical {
            guard let index = table.index(of: column.name) else { continue }
            let known = Set(column.categories ?? [])
            var local: [Int: Int] = [:]
            if table.kinds[index] == .categorical {
                let unseen = table.levels[index].enumerated().filter { !known.contains($0.element) }.map(\.offset)
                guard !unseen.isEmpty else { continue }
                let wanted = Set(unseen)
                for r in 0..<table.rowCount {
                    let code = table.cells[r, index]
                    if !code.isNaN, wanted.contains(Int(code)) { local[Int(code), default: 0] += 1 }
                }
                for (code, n) in local { counts[column.name, default: [:]][table.levels[index][code], default: 0] += n }
            } else {
                for r in 0..<table.rowCount {
                    let value = table.cells[r, index]
                    if value.isNaN { continue }
                    let text = NumberFormatting.text(value)
                    if !known.contains(text) { counts[column.name, default: [:]][text, default: 0] += 1 }
                }
            }
        }
    }

    func warnings() -> [String] {
        schema.columns.compactMap { column in
            guard let found = counts[column.name], !found.isEmpty else { return nil }
            let total = found.values.reduce(0, +)
            let examples = found.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5)
                .map { "'\($0.key)' (\($0.value))" }.joined(separator: ", ")
            let encoded = column.encoding == .oneHot ? "all zeros in its one-hot columns" : "the code -1"
            return "column '\(column.name)': \(total) value\(total == 1 ? "" : "s") with a category the training data "
                + "did not have (\(examples)\(found.count > 5 ? ", ..." : "")); encoded as \(encoded), as for a missing value"
        }
    }
}

/// The metric on the rows of the file that have a target.
final class PredictionScorer {
    let metric: Metric
    let column: Int
    let task: Task
    let classIndex: [String: Int]
    let classCount: Int
    var labels: [Int] = []
    var predictedClasses: [Int] = []
    var truth: [Double] = []
    var predictedValues: [Double] = []
    var scoreValues: [Double] = []
    var scoreColumns = 0
    var areProbabilities = false
    var unknownLabels = 0
    var nonNumeric = false

    init(document: ResultDocument, column: Int) {
        metric = document.metric
        self.column = column
        task = document.task
        let classes = document.target.classes ?? []
        classCount = classes.count
        var index: [String: Int] = [:]
        for (i, label) in classes.enumerated() { index[label] = i }
        classIndex = index
    }

    var needsScores: Bool { metric.needsScores }
    var count: Int { task == .classification ? labels.count : truth.count }

    func add(_ table: Table, predicted: [Int], values: [Double], scores: Matrix?, areProbabilities: Bool) {
        // A text target: each of the chunk's categories is looked up once, not once per row.
        let levelClasses = task == .classification && table.kinds[column] == .categorical
            ? table.levels[column].map { classIndex[$0] } : nil
        for r in 0..<table.rowCount {
            if task == .classification {
                let found: Int?
                if let levelClasses {
                    let code = table.cells[r, column]
                    if code.isNaN { continue }
                    found = code >= 0 && code < Double(levelClasses.count) ? levelClasses[Int(code)] : nil
                } else {
                    guard let text = table.text(row: r, column: column) else { continue }
                    found = classIndex[text]
                }
                guard let label = found else {
                    unknownLabels += 1
                    continue
                }
                labels.append(label)
                predictedClasses.append(predicted[r])
                if let scores {
                    scoreColumns = scores.columns
                    self.areProbabilities = areProbabilities
                    scoreValues.append(contentsOf: scores.row(r))
                }
            } else {
                guard table.kinds[column] == .numeric else {
                    nonNumeric = true
                    return
                }
                let value = table.cells[r, column]
                if value.isNaN { continue }
                truth.append(value)
                predictedValues.append(values[r])
            }
        }
    }

    /// Why the file's targets cannot be scored, if they cannot.
    var problem: String? {
        if unknownLabels > 0 {
            return "not scoring the target column: \(unknownLabels) row\(unknownLabels == 1 ? " has a class" : "s have classes") "
                + "the pipeline was not trained on"
        }
        if nonNumeric { return "not scoring the target column: it holds text, but the pipeline predicts numbers" }
        return nil
    }

    func score() -> Double {
        if task == .classification {
            let scores = scoreColumns > 0
                ? Matrix(rows: labels.count, columns: scoreColumns, values: scoreValues) : nil
            return metric.score(truth: .classes(labels, count: classCount),
                                predictions: .classes(predictedClasses, scores: scores,
                                                      scoresAreProbabilities: areProbabilities))
        }
        return metric.score(truth: .values(truth), predictions: .values(predictedValues))
    }
}
