import AutopipeData

/// scikit-learn's ExtraTreesRegressor: `n_estimators` extremely randomised regression trees (one uniform
/// random threshold per drawn feature, the best of them kept), on all samples unless `bootstrap=True`.
///
/// Each tree gets its own seed (`context.child(i)`), so results differ from scikit-learn's draw for draw but
/// match in distribution (cross-validated scores within 0.02 accuracy / 0.03 R^2 in the fixtures).
/// Not supported: `class_weight`, `oob_score`, `max_leaf_nodes`, `ccp_alpha`, `warm_start`, an int
/// `max_features` or `max_samples`; criteria `absolute_error` and `poisson`.
public struct ExtraTreesRegressor: Regressor {
    public static let name = "ExtraTreesRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "Extremely randomised regression trees."
    public static let space = ParameterSpace(
        ForestSettings.specs(
            criterion: .choice("criterion", ["squared_error", "friedman_mse"], default: "squared_error", grid: [],
                    doc: "split quality measure"),
            maxFeatures: .double(1.0), bootstrap: false),
        rule: ForestSettings.rule)

    public let parameters: Parameters
    let settings: ForestSettings

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = ForestSettings(parameters, criterion: SplitCriterion(name: parameters.string("criterion")) ?? .squaredError,
                                  randomSplits: true)
    }

    public typealias Fitted = TreeRegressorModel

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try checkTargets(y, operator: Self.name)
        let forest = try settings.fit(x, targets: y, operator: Self.name, context: context)
        return Fitted(inputColumns: x.columns, featureImportances: forest.importances, nodes: forest.nodes)
    }
}
