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
        let encoder = try RowEncoder(schema: self, table: table)
        let rowIndices = rows ?? Array(0..<table.rowCount)
        let width = encoder.width, sourceColumns = table.columnCount
        var out = [Double](repeating: 0, count: rowIndices.count * width)
        table.cells.values.withUnsafeBufferPointer { cells in
            out.withUnsafeMutableBufferPointer { out in
                rowIndices.withUnsafeBufferPointer { rows in
                    guard let source = cells.baseAddress, let target = out.baseAddress else { return }
                    // Blocks of rows small enough to stay in cache while each feature column is written.
                    var first = 0
                    while first < rows.count {
                        let count = min(RowEncoder.block, rows.count - first)
                        encoder.encode(UnsafeBufferPointer(rebasing: rows[first..<(first + count)]), of: source,
                                       stride: sourceColumns, into: target + first * width)
                        first += count
                    }
                }
            }
        }
        return Matrix(rows: rowIndices.count, columns: width, values: out)
    }

    /// Like `encode`, but reuses the table's storage when the features are no wider than the table (numeric and
    /// ordinal columns, few one-hot categories): loading then holds one copy of the data instead of two. The
    /// table is consumed; if the caller still holds it, the storage is copied first and the result is the same.
    public func encode(consuming table: consuming Table, rows: [Int]) throws -> Matrix {
        let encoder = try RowEncoder(schema: self, table: table)
        let width = encoder.width, sourceColumns = table.columnCount
        guard width <= sourceColumns, width > 0 else { return try encode(table, rows: rows) }
        var values = table.cells.values
        _ = consume table
        // A block of rows at a time: copied out, then encoded column by column into place. Output row i ends at
        // (i + 1) * width <= (r + 1) * sourceColumns, so a block never overwrites a source row not yet copied
        // (rows are increasing and i <= r).
        let block = RowEncoder.block
        var scratch = [Double](repeating: 0, count: sourceColumns * block)
        let consecutive = Array(0..<block)
        values.withUnsafeMutableBufferPointer { cells in
            scratch.withUnsafeMutableBufferPointer { scratch in
                consecutive.withUnsafeBufferPointer { consecutive in
                    guard let base = cells.baseAddress, let scratchBase = scratch.baseAddress else { return }
                    var first = 0
                    while first < rows.count {
                        let count = min(block, rows.count - first)
                        for k in 0..<count {
                            (scratchBase + k * sourceColumns).update(from: base + rows[first + k] * sourceColumns,
                                                                     count: sourceColumns)
                        }
                        encoder.encode(UnsafeBufferPointer(rebasing: consecutive[0..<count]), of: scratchBase,
                                       stride: sourceColumns, into: base + first * width)
                        first += count
                    }
                }
            }
        }
        values.removeSubrange((rows.count * width)...)
        return Matrix(rows: rows.count, columns: width, values: values)
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

/// The per-row work of `FeatureSchema.encode`: where each feature comes from and how categories map.
struct RowEncoder {
    enum Step {
        case number(source: Int, target: Int)
        /// `map[level]` is the schema's category index (-1 unseen); nil `map`: the table column is numeric and its
        /// numbers are looked up by their canonical text.
        case category(source: Int, target: Int, oneHot: Int?, map: [Int]?, lookup: [String: Int])
    }

    let steps: [Step]
    let width: Int
    /// Rows encoded together, one feature column at a time.
    static let block = 256

    init(schema: FeatureSchema, table: borrowing Table) throws {
        var steps: [Step] = []
        var offset = 0
        for column in schema.columns {
            guard let index = table.index(of: column.name) else {
                throw SchemaError.missingColumn(name: column.name, available: table.names)
            }
            switch column.kind {
            case .numeric:
                if table.kinds[index] == .categorical {
                    let levels = table.levels[index]
                    let example = levels.first { NumberParsing.parse($0) == nil } ?? levels.first ?? ""
                    throw SchemaError.typeChanged(name: column.name, expected: .numeric, example: example)
                }
                steps.append(.number(source: index, target: offset))
            case .categorical:
                var lookup: [String: Int] = [:]
                for (i, category) in (column.categories ?? []).enumerated() { lookup[category] = i }
                let map = table.kinds[index] == .categorical ? table.levels[index].map { lookup[$0] ?? -1 } : nil
                steps.append(.category(source: index, target: offset,
                                       oneHot: column.encoding == .oneHot ? column.width : nil, map: map,
                                       lookup: map == nil ? lookup : [:]))
            }
            offset += column.width
        }
        self.steps = steps
        width = offset
    }

    /// Writes all `width` features of the table rows `rows` (row `r` at `source + r * stride`) to consecutive
    /// rows of `target`, one feature column at a time.
    func encode(_ rows: UnsafeBufferPointer<Int>, of source: UnsafePointer<Double>, stride: Int,
                into target: UnsafeMutablePointer<Double>) {
        let width = self.width
        for step in steps {
            switch step {
            case .number(let from, let to):
                for (k, r) in rows.enumerated() { target[k &* width &+ to] = source[r &* stride &+ from] }
            case .category(let from, let to, let oneHot, let map, let lookup):
                map.withUnsafeBufferPointerIfPresent { map in
                    for (k, r) in rows.enumerated() {
                        let value = source[r &* stride &+ from]
                        var code = -1
                        if !value.isNaN {
                            if let map {
                                code = value >= 0 && value < Double(map.count) ? map[Int(value)] : -1
                            } else {
                                code = lookup[NumberFormatting.text(value)] ?? -1
                            }
                        }
                        let out = target + (k &* width &+ to)
                        if let oneHot {
                            for j in 0..<oneHot { out[j] = 0 }
                            if code >= 0 && code < oneHot { out[code] = 1 }
                        } else {
                            out[0] = Double(code)
                        }
                    }
                }
            }
        }
    }
}

extension Optional where Wrapped == [Int] {
    /// The array's elements as a buffer, or nil.
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<Int>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
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
