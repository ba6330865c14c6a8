import AutopipeData

/// scikit-learn's DecisionTreeClassifier: a CART tree grown depth first with Gini or entropy, the best split
/// among `max_features` randomly drawn features at each node (all features by default, in random order), or a
/// random threshold per feature with `splitter='random'`. Leaves predict class fractions.
///
/// Matches scikit-learn exactly (predictions and probabilities) wherever the best split is unique; where several
/// splits tie, scikit-learn takes the first in its random feature order, and so does autopipe with its own
/// generator. Not supported: `class_weight`, `max_leaf_nodes`, `ccp_alpha`, `monotonic_cst`, an int
/// `max_features`.
public struct DecisionTreeClassifier: Classifier {
    public static let name = "DecisionTreeClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "A CART decision tree (Gini or entropy splits)."
    public static let space: ParameterSpace = [
        .choice("criterion", ["gini", "entropy", "log_loss"], default: "gini", grid: ["gini", "entropy"],
                doc: "split quality measure (log_loss is entropy)"),
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
        criterion = SplitCriterion(name: parameters.string("criterion")) ?? .gini
        randomSplits = parameters.string("splitter") == "random"
        values = TreeParameterValues(parameters)
    }

    public typealias Fitted = TreeClassifierModel

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let labels = try treeLabels(y, classCount: classCount, operator: Self.name)
        let data = try TreeTrainingData(x, operator: Self.name)
        let settings = values.settings(criterion: criterion, randomSplits: randomSplits, rows: x.rows,
                                       columns: x.columns, totalWeight: Double(x.rows))
        var rng = context.generator()
        let tree = try CARTBuilder.buildTree(data: data, labels: labels, classCount: classCount,
                                             samples: (0..<x.rows).map { Int32($0) }, settings: settings,
                                             rng: &rng, context: context)
        var nodes = TreeNodes(width: classCount)
        nodes.append(tree)
        return Fitted(inputColumns: x.columns, classCount: classCount,
                      featureImportances: normalizedImportances(tree.rawImportances, rootWeight: tree.rootWeight),
                      nodes: nodes)
    }
}
