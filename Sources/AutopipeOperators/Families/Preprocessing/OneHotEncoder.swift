import AutopipeData

/// TPOT's builtin `OneHotEncoder` (tpot/builtins/one_hot_encoder.py, from auto-sklearn), on dense input, with its
/// output always dense (the values of `.toarray()` when `sparse=True`).
///
/// Faithful to TPOT 0.12:
/// - `categorical_features='auto'`: a column is categorical when it has at most `threshold` distinct training
///   values; `'all'`: every column is. Encoded columns come first, the other columns follow unchanged (TPOT
///   stacks non-categorical features to the right); with no categorical column the input passes through.
/// - A value v is encoded as the integer code `int(v + 3)` (truncation toward zero; codes 0-2 are TPOT's
///   reserved OTHER/NAN slots), so non-integral values share codes exactly as in TPOT; a negative code
///   (v <= -4) is an error, as TPOT's "X needs to contain only non-negative integers".
/// - `minimum_fraction`: codes rarer than this fraction of the training rows become OTHER (code 1), at fit and
///   at transform.
/// - One output column per (feature, code) seen in training (after the OTHER replacement), features in order,
///   codes ascending. At transform, a code at or above the feature's `n_values_` (max training code + 2) becomes
///   code 0; a code without a training column gives an all-zero block for that feature.
///
/// Differences: NaN is rejected (autopipe imputes before encoding); TPOT mutates its input when every feature is
/// categorical, autopipe does not.
public struct OneHotEncoder: Transformer {
    public static let name = "OneHotEncoder"
    public static let role = OperatorRole.transformer
    public static let summary = "One-hot encodes features with few distinct values (TPOT builtin)."
    public static let space: ParameterSpace = [
        .choice("categorical_features", ["auto", "all"], default: "auto", grid: []),
        .real("minimum_fraction", 0...1, default: nil, grid: [0.05, 0.1, 0.15, 0.2, 0.25]),
        .boolean("sparse", default: true, grid: [false],
                 doc: "Accepted for TPOT compatibility; autopipe's output is always dense."),
        .integer("threshold", 1..., default: 10, grid: [10]),
    ]

    /// TPOT's shift: `len(SPARSE_ENCODINGS) + 1`.
    static let shift = 3.0
    static let otherCode = 1

    public let parameters: Parameters
    let allCategorical: Bool
    let minimumFraction: Double?
    let threshold: Int

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        allCategorical = parameters.string("categorical_features") == "all"
        minimumFraction = parameters.optionalDouble("minimum_fraction")
        threshold = parameters.int("threshold")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        /// Categorical input columns (encoded, in this order), then the passed-through ones.
        public let categoricalColumns: [Int]
        public let passthroughColumns: [Int]
        /// Per categorical column: TPOT's `n_values_` (max code + 2).
        public let nValues: [Int]
        /// Per categorical column j: its active codes, ascending, at `activeCodes[activeOffsets[j] ..<
        /// activeOffsets[j + 1]]`; the output column of the k-th is `activeOffsets[j] + k`.
        public let activeCodes: [Int]
        public let activeOffsets: [Int]
        /// With `minimum_fraction`: per categorical column, the codes kept (not replaced by OTHER), ascending.
        public let keptCodes: [Int]?
        public let keptOffsets: [Int]?

        public var outputColumns: Int { (activeOffsets.last ?? 0) + passthroughColumns.count }

        public func transform(_ x: Matrix) throws -> Matrix {
            let rows = x.rows, columns = x.columns
            if categoricalColumns.isEmpty { return x }
            let width = outputColumns
            try OneHotEncoder.checkSize(rows: rows, width: width)
            let encodedWidth = activeOffsets.last ?? 0
            var out = [Double](repeating: 0, count: rows * width)
            for r in 0..<rows {
                let source = r * columns, target = r * width
                for (j, c) in categoricalColumns.enumerated() {
                    var code = try OneHotEncoder.code(x.values[source + c])
                    if let keptCodes, let keptOffsets,
                       !OneHotEncoder.contains(keptCodes, keptOffsets[j]..<keptOffsets[j + 1], code) {
                        code = OneHotEncoder.otherCode
                    }
                    if code >= nValues[j] { code = 0 }
                    let range = activeOffsets[j]..<activeOffsets[j + 1]
                    if let k = OneHotEncoder.index(of: code, in: activeCodes, range) { out[target + k] = 1 }
                }
                for (k, c) in passthroughColumns.enumerated() {
                    out[target + encodedWidth + k] = x.values[source + c]
                }
            }
            return Matrix(rows: rows, columns: width, values: out)
        }
    }

    /// A dense output above 2^28 values (possible with `categorical_features='all'` or a large `threshold` on
    /// continuous data, where TPOT's output is sparse) is a typed error rather than an allocation that could
    /// exhaust memory.
    static func checkSize(rows: Int, width: Int) throws {
        if Double(rows) * Double(width) > Double(1 << 28) {
            throw OperatorError.invalidInput(operator: name,
                reason: "the one-hot output would have \(rows) x \(width) values, more than autopipe allows densely")
        }
    }

    /// TPOT's code of a value: `int(value + 3)`, truncating toward zero.
    static func code(_ value: Double) throws -> Int {
        let shifted = value + shift
        guard shifted.isFinite, abs(shifted) < 9e18 else {
            throw OperatorError.invalidInput(operator: name, reason: "value \(value) cannot be encoded as a category")
        }
        let code = Int(shifted.rounded(.towardZero))
        if code < 0 {
            throw OperatorError.invalidInput(operator: name, reason: "X needs to contain only non-negative integers.")
        }
        return code
    }

    /// Binary search in the ascending slice `range` of `values`.
    static func index(of value: Int, in values: [Int], _ range: Range<Int>) -> Int? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < range.upperBound && values[lo] == value ? lo : nil
    }

    static func contains(_ values: [Int], _ range: Range<Int>, _ value: Int) -> Bool {
        index(of: value, in: values, range) != nil
    }

    /// Whether the column has at most `threshold` distinct values (TPOT's `auto_select_categorical_features`).
    static func hasFewValues(_ x: Matrix, column c: Int, threshold: Int) -> Bool {
        if threshold > 32 {
            var distinct = Set<Double>()
            for r in 0..<x.rows {
                distinct.insert(x.values[r * x.columns + c])
                if distinct.count > threshold { return false }
            }
            return true
        }
        var seen: [Double] = []
        seen.reserveCapacity(threshold + 1)
        for r in 0..<x.rows {
            let value = x.values[r * x.columns + c]
            if !seen.contains(value) {
                seen.append(value)
                if seen.count > threshold { return false }
            }
        }
        return true
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let rows = x.rows, columns = x.columns
        var categorical: [Int] = [], passthrough: [Int] = []
        for c in 0..<columns {
            if allCategorical || Self.hasFewValues(x, column: c, threshold: threshold) {
                categorical.append(c)
            } else {
                passthrough.append(c)
            }
        }
        if categorical.isEmpty {
            return Fitted(inputColumns: columns, categoricalColumns: [], passthroughColumns: passthrough,
                          nValues: [], activeCodes: [], activeOffsets: [0], keptCodes: nil, keptOffsets: nil)
        }
        // Codes of every categorical value first: TPOT checks the whole block for negatives before anything else.
        var codes = [[Int]](repeating: [], count: categorical.count)
        for (j, c) in categorical.enumerated() {
            var column = [Int](repeating: 0, count: rows)
            for r in 0..<rows { column[r] = try Self.code(x.values[r * columns + c]) }
            codes[j] = column
        }
        var nValues: [Int] = [], activeCodes: [Int] = [], activeOffsets: [Int] = [0]
        var keptCodes: [Int] = [], keptOffsets: [Int] = [0]
        for j in 0..<categorical.count {
            var column = codes[j]
            if let minimumFraction {
                let counts = Self.counts(column)
                let kept = counts.filter { Double($0.count) / Double(rows) >= minimumFraction }.map(\.code)
                keptCodes += kept
                keptOffsets.append(keptCodes.count)
                for r in 0..<rows where !kept.contains(column[r]) { column[r] = Self.otherCode }
            }
            let present = Self.counts(column).map(\.code)
            nValues.append((present.last ?? 0) + 2)
            activeCodes += present
            activeOffsets.append(activeCodes.count)
        }
        try Self.checkSize(rows: rows, width: activeCodes.count + passthrough.count)
        return Fitted(inputColumns: columns, categoricalColumns: categorical, passthroughColumns: passthrough,
                      nValues: nValues, activeCodes: activeCodes, activeOffsets: activeOffsets,
                      keptCodes: minimumFraction == nil ? nil : keptCodes,
                      keptOffsets: minimumFraction == nil ? nil : keptOffsets)
    }

    /// Distinct codes ascending with their counts.
    static func counts(_ codes: [Int]) -> [(code: Int, count: Int)] {
        let sorted = codes.sorted()
        var out: [(code: Int, count: Int)] = []
        var i = 0
        while i < sorted.count {
            var k = i + 1
            while k < sorted.count && sorted[k] == sorted[i] { k += 1 }
            out.append((sorted[i], k - i))
            i = k
        }
        return out
    }
}
