import AutopipeData

/// scikit-learn's DecisionTreeRegressor: a CART tree minimising squared error (or Friedman's improvement score
/// with `criterion='friedman_mse'`); leaves predict the mean target.
///
/// Matches scikit-learn's predictions wherever the best split is unique (up to float rounding of sums, ~1e-12
/// relative). Not supported: criteria `absolute_error` and `poisson`, `max_leaf_nodes`, `ccp_alpha`,
/// `monotonic_cst`, an int `max_features`.
public struct DecisionTreeRegressor: Regressor {
    public static let name = "DecisionTreeRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "A CART regression tree (squared-error splits)."
    public static let space: ParameterSpace = [
        .choice("criterion", ["squared_error", "friedman_mse"], default: "squared_error", grid: [],
                doc: "split quality measure"),
        .choice("splitter", ["best", "random"], default: "best", grid: [],
                doc: "best threshold per drawn feature, or one random threshold per drawn feature"),
        TreeParameterSpecs.maxDepth(default: nil),
        TreeParameterSpecs.minSamplesSplit(),
        TreeParameterSpecs.minSamplesLeaf(),
        TreeParameterSpecs.minWeightFractionLeaf,
        TreeParameterSpecs.maxFeatures(default: .none),
        TreeParameterSpecs.minImpurityDecrease,
    ]

    public let parameters: Parameters
    let criterion: SplitCriterion
    let randomSplits: Bool
    let values: TreeParameterValues

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        criterion = SplitCriterion(name: parameters.string("criterion")) ?? .squaredError
        randomSplits = parameters.string("splitter") == "random"
        values = TreeParameterValues(parameters)
    }

    public typealias Fitted = TreeRegressorModel

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try checkTargets(y, operator: Self.name)
        let data = try TreeTrainingData(x, operator: Self.name)
        let settings = values.settings(criterion: criterion, randomSplits: randomSplits, rows: x.rows,
                                       columns: x.columns, totalWeight: Double(x.rows))
        var rng = context.generator()
        let tree = try CARTBuilder.buildTree(data: data, targets: y, samples: (0..<x.rows).map { Int32($0) },
                                             settings: settings, rng: &rng, context: context)
        var nodes = TreeNodes(width: 1)
        nodes.append(tree)
        return Fitted(inputColumns: x.columns,
                      featureImportances: normalizedImportances(tree.rawImportances, rootWeight: tree.rootWeight),
                      nodes: nodes)
    }
}
