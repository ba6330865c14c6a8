import AutopipeData

/// A fitted decision tree or forest classifier (DecisionTreeClassifier, RandomForestClassifier,
/// ExtraTreesClassifier): `predict_proba` is the mean over trees of the leaf class fractions, summed tree by tree
/// as scikit-learn does; `predict` its first argmax.
public struct TreeClassifierModel: FittedClassifier, FeatureImportanceProvider {
    public let inputColumns: Int
    public let classCount: Int
    /// Impurity importances, normalised like scikit-learn's `feature_importances_`.
    public let featureImportances: [Double]
    let nodes: TreeNodes
    public var scoresAreProbabilities: Bool { true }
    public var treeCount: Int { nodes.treeCount }
    public var nodeCount: Int { nodes.nodeCount }

    init(inputColumns: Int, classCount: Int, featureImportances: [Double], nodes: TreeNodes) {
        self.inputColumns = inputColumns
        self.classCount = classCount
        self.featureImportances = featureImportances
        self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey { case inputColumns, classCount, featureImportances, nodes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputColumns = try c.decode(Int.self, forKey: .inputColumns)
        classCount = try c.decode(Int.self, forKey: .classCount)
        featureImportances = try c.decode([Double].self, forKey: .featureImportances)
        nodes = try c.decode(TreeNodes.self, forKey: .nodes)
        guard nodes.width == classCount, featureImportances.count == inputColumns else {
            throw OperatorError.invalidModel(reason: "tree classifier state does not match its class or column count")
        }
        try nodes.validate(columns: inputColumns)
    }

    public func scores(_ x: Matrix) throws -> Matrix {
        let rows = try float32Rows(x, operator: "tree classifier")
        return Matrix(rows: x.rows, columns: classCount, values: nodes.meanValues(rows, rows: x.rows, columns: x.columns))
    }
}

/// A fitted decision tree or forest regressor: the mean over trees of the leaf means.
public struct TreeRegressorModel: FittedRegressor, FeatureImportanceProvider {
    public let inputColumns: Int
    public let featureImportances: [Double]
    let nodes: TreeNodes
    public var treeCount: Int { nodes.treeCount }
    public var nodeCount: Int { nodes.nodeCount }

    init(inputColumns: Int, featureImportances: [Double], nodes: TreeNodes) {
        self.inputColumns = inputColumns
        self.featureImportances = featureImportances
        self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey { case inputColumns, featureImportances, nodes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputColumns = try c.decode(Int.self, forKey: .inputColumns)
        featureImportances = try c.decode([Double].self, forKey: .featureImportances)
        nodes = try c.decode(TreeNodes.self, forKey: .nodes)
        guard nodes.width == 1, featureImportances.count == inputColumns else {
            throw OperatorError.invalidModel(reason: "tree regressor state does not match its column count")
        }
        try nodes.validate(columns: inputColumns)
    }

    public func predict(_ x: Matrix) throws -> [Double] {
        let rows = try float32Rows(x, operator: "tree regressor")
        return nodes.meanValues(rows, rows: x.rows, columns: x.columns)
    }
}

/// Class labels as the builder reads them, checked against `classCount`.
func treeLabels(_ y: [Int], classCount: Int, operator name: String) throws -> [Int32] {
    var out = [Int32](repeating: 0, count: y.count)
    for (i, label) in y.enumerated() {
        guard label >= 0 && label < classCount else {
            throw OperatorError.invalidInput(operator: name, reason: "class index \(label) outside 0..<\(classCount)")
        }
        out[i] = Int32(label)
    }
    return out
}

/// Regression targets must be finite.
func checkTargets(_ y: [Double], operator name: String) throws {
    if y.contains(where: { !$0.isFinite }) {
        throw OperatorError.invalidInput(operator: name, reason: "the target contains NaN or infinity")
    }
}
