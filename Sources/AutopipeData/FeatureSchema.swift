/// How one input column becomes feature columns.
public enum ColumnEncoding: String, Codable, Sendable, Hashable {
    /// A number, passed through (missing stays NaN for the pipeline's imputer).
    case numeric
    /// One 0/1 column per category; a missing or unseen category is all zeros.
    case oneHot = "one_hot"
    /// One column holding the category's index in `categories`; missing or unseen is -1.
    case ordinal
}

/// The recorded mapping from CSV columns to the feature matrix, so new data is encoded exactly as the training
/// data was.
public struct FeatureSchema: Codable, Sendable, Hashable {
    public struct Column: Codable, Sendable, Hashable {
        public var name: String
        public var kind: ColumnKind
        public var encoding: ColumnEncoding
        /// Categories in code order (categorical columns only).
        public var categories: [String]?

        public init(name: String, kind: ColumnKind, encoding: ColumnEncoding, categories: [String]?) {
            self.name = name
            self.kind = kind
            self.encoding = encoding
            self.categories = categories
        }

        /// How many feature columns this column produces.
        public var width: Int {
            encoding == .oneHot ? (categories?.count ?? 0) : 1
        }

        public var featureNames: [String] {
            if encoding == .oneHot { return (categories ?? []).map { "\(name)=\($0)" } }
            return [name]
        }
    }

    public var columns: [Column]
    /// Columns of the CSV that are not features (the target and ignored or id columns), by name.
    public var ignored: [String]

    public init(columns: [Column], ignored: [String]) {
        self.columns = columns
        self.ignored = ignored
    }

    public var featureNames: [String] { columns.flatMap(\.featureNames) }
    public var featureCount: Int { columns.reduce(0) { $0 + $1.width } }

    /// Encodes rows of `table` into the feature matrix. Columns are found by name; a missing column, or a
    /// numeric column that became text, is an error that names it.
    public func encode(_ table: Table, rows: [Int]? = nil) throws -> Matrix {
        var sourceIndex: [Int] = []
        var codeMaps: [[Int]?] = []          // table level index -> schema category index (-1 unseen)
        var textLookup: [[String: Int]] = []  // category text -> index, for numbers read in a categorical column
        for column in columns {
            guard let index = table.index(of: column.name) else {
                throw SchemaError.missingColumn(name: column.name, available: table.names)
            }
            sourceIndex.append(index)
            switch column.kind {
            case .numeric:
                if table.kinds[index] == .categorical {
                    let levels = table.levels[index]
                    let example = levels.first { NumberParsing.parse($0) == nil } ?? levels.first ?? ""
                    throw SchemaError.typeChanged(name: column.name, expected: .numeric, example: example)
                }
                codeMaps.append(nil)
                textLookup.append([:])
            case .categorical:
                var lookup: [String: Int] = [:]
                for (i, c) in (column.categories ?? []).enumerated() { lookup[c] = i }
                textLookup.append(lookup)
                if table.kinds[index] == .categorical {
                    codeMaps.append(table.levels[index].map { lookup[$0] ?? -1 })
                } else {
                    codeMaps.append(nil)   // numbers in a categorical column: looked up as text below
                }
            }
        }
        let rowIndices = rows ?? Array(0..<table.rowCount)
        let width = featureCount
        let sourceColumns = table.columnCount
        var offsets: [Int] = []
        var offset = 0
        for column in columns {
            offsets.append(offset)
            offset += column.width
        }
        let allNumeric = columns.allSatisfy { $0.encoding == .numeric }
        var out = [Double](repeating: 0, count: rowIndices.count * width)
        table.cells.values.withUnsafeBufferPointer { cells in
            out.withUnsafeMutableBufferPointer { out in
                // Row by row, so both matrices are walked in memory order.
                for (outRow, r) in rowIndices.enumerated() {
                    let source = r * sourceColumns
                    let target = outRow * width
                    if allNumeric {
                        for j in 0..<sourceIndex.count { out[target + j] = cells[source + sourceIndex[j]] }
                        continue
                    }
                    for (j, column) in columns.enumerated() {
                        let value = cells[source + sourceIndex[j]]
                        if column.encoding == .numeric {
                            out[target + offsets[j]] = value
                            continue
                        }
                        var code = -1
                        if !value.isNaN {
                            if let map = codeMaps[j] {
                                code = value >= 0 && value < Double(map.count) ? map[Int(value)] : -1
                            } else {
                                code = textLookup[j][NumberFormatting.text(value)] ?? -1
                            }
                        }
                        if column.encoding == .oneHot {
                            if code >= 0 { out[target + offsets[j] + code] = 1 }
                        } else {
                            out[target + offsets[j]] = Double(code)
                        }
                    }
                }
            }
        }
        return Matrix(rows: rowIndices.count, columns: width, values: out)
    }

    /// Categories of `table` that the schema has not seen, per column name (for warnings at predict time).
    public func unseenCategories(in table: Table) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for column in columns where column.kind == .categorical {
            guard let index = table.index(of: column.name), table.kinds[index] == .categorical else { continue }
            let known = Set(column.categories ?? [])
            let unseen = table.levels[index].filter { !known.contains($0) }
            if !unseen.isEmpty { result[column.name] = unseen }
        }
        return result
    }
}

/// Data that does not fit a recorded schema.
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingColumn(name: String, available: [String])
    case typeChanged(name: String, expected: ColumnKind, example: String)

    public var description: String {
        switch self {
        case .missingColumn(let name, let available):
            return "the data has no column '\(name)', which the pipeline was trained with. Columns present: "
                + available.map { "'\($0)'" }.joined(separator: ", ") + "."
        case .typeChanged(let name, let expected, let example):
            return "column '\(name)' was \(expected) in the training data but holds text here (for example '\(example)'). "
                + "Fix the values or the column order."
        }
    }
}
