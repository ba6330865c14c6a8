import AutopipeData

/// Keeps the features whose p-value is below `alpha / n_features` (family-wise error, Bonferroni), as
/// scikit-learn's `SelectFwe` with `f_classif` (classification) or `f_regression` (regression) chosen from the
/// targets. p-values come from the F distribution's survival function (regularized incomplete beta). A
/// selection with no feature is a typed error.
public struct SelectFwe: Transformer {
    public static let name = "SelectFwe"
    public static let role = OperatorRole.selector
    public static let summary = "Keeps features whose F-test p-value passes a family-wise error (Bonferroni) threshold."
    /// TPOT's grid: `np.arange(0, 0.05, 0.001)`, as exact decimals.
    public static let space: ParameterSpace = [
        .real("alpha", 0...1, default: 0.05, grid: (0..<50).map { Double($0) / 1000 }),
    ]

    public let parameters: Parameters
    let alpha: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        alpha = parameters.double("alpha")
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> SelectedFeatures {
        let p = UnivariateStatistics.scores(x, y).p
        let limit = alpha / Double(p.count)
        return try SelectedFeatures(support: p.map { $0 < limit }, operator: Self.name,
                                    reason: "no p-value is below alpha / n_features = \(limit)")
    }
}
