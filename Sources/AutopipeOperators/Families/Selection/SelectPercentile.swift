import AutopipeData

/// Keeps the `percentile` % of features with the highest F score, as scikit-learn's `SelectPercentile` with the
/// score function TPOT pairs with the task: `f_classif` for classification, `f_regression` for regression
/// (autopipe picks it from the targets, so `score_func` is not a parameter). Ties at the threshold are kept in
/// feature order up to `int(n_features * percentile / 100)`, with scikit-learn's slicing rule; NaN scores rank
/// lowest. A selection with no feature is a typed error.
public struct SelectPercentile: Transformer {
    public static let name = "SelectPercentile"
    public static let role = OperatorRole.selector
    public static let summary = "Keeps the given percentile of features with the highest ANOVA F / regression F score."
    public static let space: ParameterSpace = [
        .real("percentile", 0...100, default: 10, grid: (1...99).map(Double.init)),
    ]

    public let parameters: Parameters
    let percentile: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        percentile = parameters.double("percentile")
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> SelectedFeatures {
        let scores = UnivariateStatistics.scores(x, y).f
        return try SelectedFeatures(support: Self.support(scores: scores, percentile: percentile),
                                    operator: Self.name, reason: "percentile \(percentile) of \(x.columns) features")
    }

    /// scikit-learn's `SelectPercentile._get_support_mask`.
    static func support(scores raw: [Double], percentile: Double) -> [Bool] {
        let n = raw.count
        if percentile == 100 { return [Bool](repeating: true, count: n) }
        if percentile == 0 { return [Bool](repeating: false, count: n) }
        let scores = raw.map { $0.isNaN ? -Double.greatestFiniteMagnitude : $0 }
        let sorted = scores.sorted()
        let threshold = sorted.withUnsafeBufferPointer { ScalingSupport.percentile(sorted: $0, 100 - percentile) }
        var mask = scores.map { $0 > threshold }
        let ties = scores.indices.filter { scores[$0] == threshold }
        if !ties.isEmpty {
            let maxFeatures = Int((Double(n) * percentile / 100).rounded(.towardZero))
            let room = maxFeatures - mask.filter { $0 }.count
            // Python's ties[:room], where a negative room drops that many from the end.
            let keep = room >= 0 ? min(room, ties.count) : max(0, ties.count + room)
            for i in ties.prefix(keep) { mask[i] = true }
        }
        return mask
    }
}
