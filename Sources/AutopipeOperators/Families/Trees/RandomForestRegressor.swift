import AutopipeData

/// scikit-learn's RandomForestRegressor: `n_estimators` CART regression trees, each on a bootstrap sample with
/// the best split among `max_features` random features per node; the prediction is the mean of the trees'.
///
/// Each tree gets its own seed (`context.child(i)`), so results differ from scikit-learn's draw for draw but
/// match in distribution (cross-validated scores within 0.02 accuracy / 0.03 R^2 in the fixtures).
/// Not supported: `class_weight`, `oob_score`, `max_leaf_nodes`, `ccp_alpha`, `warm_start`, an int
/// `max_features` or `max_samples`; criteria `absolute_error` and `poisson`.
public struct RandomForestRegressor: Regressor {
    public static let name = "RandomForestRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "A random forest of bootstrap-sampled CART regression trees."
    public static let space = ParameterSpace(
        ForestSettings.specs(
            criterion: .choice("criterion", ["squared_error", "friedman_mse"], default: "squared_error", grid: [],
                    doc: "split quality measure"),
            maxFeatures: .double(1.0), bootstrap: true),
        rule: ForestSettings.rule)

    public let parameters: Parameters
    let settings: ForestSettings

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = ForestSettings(parameters, criterion: SplitCriterion(name: parameters.string("criterion")) ?? .squaredError,
                                  randomSplits: false)
    }

    public typealias Fitted = TreeRegressorModel

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try checkTargets(y, operator: Self.name)
        let forest = try settings.fit(x, targets: y, operator: Self.name, context: context)
        return Fitted(inputColumns: x.columns, featureImportances: forest.importances, nodes: forest.nodes)
    }
}
