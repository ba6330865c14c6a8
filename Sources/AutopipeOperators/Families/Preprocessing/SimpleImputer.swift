import AutopipeData

/// Replaces NaN with a per-column statistic, as scikit-learn's `SimpleImputer` (missing_values=np.nan).
///
/// Matches scikit-learn 1.5: `mean` (NaN ignored), `median` (mean of the two middle values for an even count),
/// `most_frequent` (the smallest of the most frequent values, as scipy's mode), `constant` (`fill_value`, 0 when
/// None). A column that is all-NaN in training has no statistic: with `keep_empty_features=False` (the default)
/// it is dropped from the output, at fit and at every later transform, as scikit-learn does (for `constant` it
/// is kept and filled); with `keep_empty_features=True` it is kept and filled with 0. `add_indicator` appends
/// scikit-learn's MissingIndicator columns (features="missing-only": one 0/1 column per feature that had NaN in
/// training, in feature order).
///
/// Deliberate difference: when every column would be dropped (and no indicator is added), scikit-learn returns
/// an empty matrix that breaks the next step; autopipe throws a typed error at fit.
public struct SimpleImputer: Transformer {
    public static let name = "SimpleImputer"
    public static let role = OperatorRole.transformer
    public static let summary = "Imputes missing values (NaN) with the column mean, median, most frequent value or a constant."
    public static let acceptsMissingValues = true
    public static let space: ParameterSpace = [
        .choice("strategy", ["mean", "median", "most_frequent", "constant"], default: "mean", grid: []),
        .real("fill_value", default: nil, doc: "Value for strategy='constant' (None: 0)."),
        .boolean("add_indicator", default: false, grid: []),
        .boolean("keep_empty_features", default: false, grid: []),
    ]

    enum Strategy: String { case mean, median, mostFrequent = "most_frequent", constant }

    public let parameters: Parameters
    let strategy: Strategy
    let fillValue: Double
    let addIndicator: Bool
    let keepEmptyFeatures: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        strategy = Strategy(rawValue: parameters.string("strategy")) ?? .mean
        fillValue = parameters.optionalDouble("fill_value") ?? 0
        addIndicator = parameters.bool("add_indicator")
        keepEmptyFeatures = parameters.bool("keep_empty_features")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        /// The fill value of each input column (NaN for a dropped empty column).
        public let statistics: [Double]
        /// Input columns kept in the output, ascending.
        public let keptColumns: [Int]
        /// Input columns that get a missing-value indicator column, ascending.
        public let indicatorColumns: [Int]

        public func transform(_ x: Matrix) throws -> Matrix {
            let rows = x.rows, columns = x.columns
            let kept = keptColumns.count
            let width = kept + indicatorColumns.count
            // Every output cell is written below, so the storage starts uninitialised (no zero-fill pass).
            let out = [Double](unsafeUninitializedCapacity: rows * width) { o, initialized in
                x.values.withUnsafeBufferPointer { v in
                    keptColumns.withUnsafeBufferPointer { keep in
                        statistics.withUnsafeBufferPointer { stat in
                            indicatorColumns.withUnsafeBufferPointer { ind in
                                for r in 0..<rows {
                                    let source = r * columns, target = r * width
                                    for j in 0..<kept {
                                        let c = keep[j]
                                        let value = v[source + c]
                                        o[target + j] = value.isNaN ? stat[c] : value
                                    }
                                    for j in 0..<ind.count {
                                        o[target + kept + j] = v[source + ind[j]].isNaN ? 1 : 0
                                    }
                                }
                            }
                        }
                    }
                }
                initialized = rows * width
            }
            return Matrix(rows: rows, columns: width, values: out)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let columns = x.columns
        var statistics = [Double](repeating: .nan, count: columns)
        var indicator: [Int] = []
        if addIndicator {
            for c in 0..<columns where x.column(c).contains(where: \.isNaN) { indicator.append(c) }
        }
        switch strategy {
        case .constant:
            statistics = [Double](repeating: fillValue, count: columns)
        case .mean:
            var sums = [Double](repeating: 0, count: columns)
            var counts = [Int](repeating: 0, count: columns)
            x.values.withUnsafeBufferPointer { v in
                for r in 0..<x.rows {
                    let base = r * columns
                    for c in 0..<columns {
                        let value = v[base + c]
                        if !value.isNaN {
                            sums[c] += value
                            counts[c] += 1
                        }
                    }
                }
            }
            for c in 0..<columns where counts[c] > 0 { statistics[c] = sums[c] / Double(counts[c]) }
        case .median:
            var (storage, offsets) = try ScalingSupport.columnsWithoutNaN(x, context: context)
            try storage.withUnsafeMutableBufferPointer { s in
                for c in 0..<columns where offsets[c + 1] > offsets[c] {
                    try context.check()
                    let n = offsets[c + 1] - offsets[c]
                    let column = UnsafeMutableBufferPointer(rebasing: s[offsets[c]..<offsets[c + 1]])
                    let values = ScalingSupport.orderStatistics(column, ranks: n % 2 == 1 ? [n / 2] : [n / 2 - 1, n / 2])
                    statistics[c] = n % 2 == 1 ? values[0] : (values[0] + values[1]) / 2
                }
            }
        case .mostFrequent:
            let (storage, offsets) = try ScalingSupport.sortedColumns(x, context: context)
            storage.withUnsafeBufferPointer { s in
                for c in 0..<columns where offsets[c + 1] > offsets[c] {
                    statistics[c] = Self.mostFrequent(sorted: UnsafeBufferPointer(rebasing: s[offsets[c]..<offsets[c + 1]]))
                }
            }
        }
        var kept: [Int] = []
        for c in 0..<columns {
            if statistics[c].isNaN {
                if keepEmptyFeatures {
                    statistics[c] = 0
                    kept.append(c)
                }
            } else {
                kept.append(c)
            }
        }
        if kept.isEmpty && indicator.isEmpty {
            throw OperatorError.invalidInput(operator: Self.name,
                reason: "every feature is entirely missing in the training data, so imputation leaves no columns")
        }
        return Fitted(inputColumns: columns, statistics: statistics, keptColumns: kept, indicatorColumns: indicator)
    }

    /// The most frequent value of ascending values; the smallest on ties (scipy's mode).
    static func mostFrequent(sorted: UnsafeBufferPointer<Double>) -> Double {
        guard let first = sorted.first else { return .nan }
        var best = first, bestCount = 0
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && sorted[j] == sorted[i] { j += 1 }
            if j - i > bestCount {
                bestCount = j - i
                best = sorted[i]
            }
            i = j
        }
        return best
    }
}
