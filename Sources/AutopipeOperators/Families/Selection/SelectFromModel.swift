import AutopipeData

/// Keeps the features whose importance in TPOT's inner ExtraTrees model (ExtraTreesClassifier for class
/// targets, ExtraTreesRegressor for real ones; `estimator__*` parameters) is at least `threshold`, as
/// scikit-learn 1.5's `SelectFromModel` (threshold None: the mean importance, scikit-learn's default for tree
/// models). The trees are randomised, so the selection matches scikit-learn's in distribution only (tests compare
/// selection frequencies). A threshold that keeps no feature is a typed error.
///
/// Deliberate differences: `threshold` is a real or None (no "median" / "1.25*mean" strings); `max_features`,
/// `prefit`, `norm_order` and `importance_getter` of SelectFromModel itself are not parameters.
public struct SelectFromModel: Transformer {
    public static let name = "SelectFromModel"
    public static let role = OperatorRole.selector
    public static let summary = "Keeps the features an ExtraTrees model finds important enough."
    public static let space = ParameterSpace([
        .real("threshold", atLeast: 0, default: nil, grid: (0...20).map { Double($0) / 20 },
              doc: "None: the mean importance."),
    ] + TreeImportances.specs)

    public let parameters: Parameters
    let threshold: Double?
    let settings: TreeImportances.Settings

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        threshold = parameters.optionalDouble("threshold")
        settings = TreeImportances.Settings(parameters)
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> SelectedFeatures {
        let importances = try TreeImportances.importances(x, y, settings, operator: Self.name,
                                                          context: context.child(0))
        let (support, limit) = Self.support(importances: importances, threshold: threshold)
        return try SelectedFeatures(support: support, operator: Self.name,
                                    reason: "no importance reaches the threshold \(limit)")
    }

    /// scikit-learn's mask: |importance| >= threshold (None: the mean importance).
    static func support(importances: [Double], threshold: Double?) -> ([Bool], Double) {
        let limit = threshold ?? importances.reduce(0, +) / Double(max(importances.count, 1))
        return (importances.map { abs($0) >= limit }, limit)
    }
}
