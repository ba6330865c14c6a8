import AutopipeData

/// Recursive feature elimination, as scikit-learn 1.5's `RFE` with TPOT's inner estimator
/// (ExtraTreesClassifier for class targets, ExtraTreesRegressor for real ones; `estimator__*` parameters):
/// fit on the remaining features, drop the `step` least important (a fraction of the original count when
/// step < 1, at least 1), until `n_features_to_select` remain (None: half, rounded down). Each round's trees get
/// their own seed from the fit's.
///
/// The inner trees are randomised, so the selection matches scikit-learn's only in distribution (tests compare
/// selection frequencies). Deliberate differences: the final refit on the selected features is skipped (RFE's
/// transform does not use it); `n_features_to_select` is an int or None (no fraction); `step` is a real, and
/// values >= 1 are truncated to an int count as scikit-learn does for ints (scikit-learn rejects a float 1.0).
/// Ties in importance are broken by feature order (numpy's argsort is not stable). Ending with no feature is a
/// typed error.
public struct RFE: Transformer {
    public static let name = "RFE"
    public static let role = OperatorRole.selector
    public static let summary = "Recursively eliminates the least important features of an ExtraTrees model."
    public static let space = ParameterSpace([
        .real("step", above: 0, default: 1.0, grid: (1...19).map { Double($0) / 20 }),
        .integer("n_features_to_select", 1..., default: nil),
    ] + TreeImportances.specs)

    public let parameters: Parameters
    let step: Double
    let featuresToSelect: Int?
    let settings: TreeImportances.Settings

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        step = parameters.double("step")
        featuresToSelect = parameters.optionalInt("n_features_to_select")
        settings = TreeImportances.Settings(parameters)
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> SelectedFeatures {
        let target = featuresToSelect ?? x.columns / 2
        var round = 0
        let support = try Self.eliminate(columns: x.columns, target: target, step: step) { features in
            try context.check()
            defer { round += 1 }
            return try TreeImportances.importances(x.selectingColumns(features), y, settings, operator: Self.name,
                                                   context: context.child(round))
        }
        return try SelectedFeatures(support: support, operator: Self.name,
                                    reason: "n_features_to_select is \(target) for \(x.columns) features")
    }

    /// scikit-learn's elimination loop: `importances(features)` scores the remaining features (in order); the
    /// least important `min(step, remaining - target)` are dropped each round (ties: lower position first).
    static func eliminate(columns n: Int, target: Int, step: Double,
                          importances: ([Int]) throws -> [Double]) throws -> [Bool] {
        let stepCount = step < 1 ? max(1, Int((step * Double(n)).rounded(.towardZero))) : Int(step)
        var support = [Bool](repeating: true, count: n)
        var remaining = n
        while remaining > target {
            let features = support.indices.filter { support[$0] }
            let scores = try importances(features)
            guard scores.count == features.count else {
                throw OperatorError.invalidInput(operator: name, reason: "importances do not match the features")
            }
            let order = features.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            let drop = min(stepCount, remaining - target)
            for i in order.prefix(drop) { support[features[i]] = false }
            remaining -= drop
        }
        return support
    }
}
