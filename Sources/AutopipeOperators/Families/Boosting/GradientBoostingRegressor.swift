import AutopipeData

/// scikit-learn's GradientBoostingRegressor: an initial constant (mean, median, or the alpha-quantile), then per
/// stage a friedman_mse regression tree on the negative gradient of the loss, whose leaves are re-estimated by a
/// line search (the identity for squared_error; the median of the residuals for absolute_error; the
/// alpha-quantile for quantile; Friedman's Huber step for huber, with delta the alpha-quantile of the absolute
/// residuals), added with `learning_rate`.
///
/// Deterministic given the trees: with `subsample=1.0` and `max_features=None`, predictions match scikit-learn's
/// to float rounding wherever the stage trees' best splits are unique. Not supported: `init`, `max_leaf_nodes`,
/// `ccp_alpha`, `warm_start`, early stopping (`n_iter_no_change`, `validation_fraction`, `tol`), an int
/// `max_features`.
public struct GradientBoostingRegressor: Regressor {
    public static let name = "GradientBoostingRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "Gradient boosting of regression trees (squared, absolute, Huber or quantile loss)."
    public static let space = ParameterSpace(
        [.choice("loss", ["squared_error", "absolute_error", "huber", "quantile"], default: "squared_error",
                 doc: "loss to optimise (TPOT's ls/lad are squared_error/absolute_error)")]
            + GradientBoostingSettings.commonSpecs
            + [.real("alpha", above: 0, below: 1, default: 0.9, grid: [0.75, 0.8, 0.85, 0.9, 0.95, 0.99],
                     doc: "quantile of the huber and quantile losses")])

    public let parameters: Parameters
    let settings: GradientBoostingSettings
    let loss: String
    let alpha: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = GradientBoostingSettings(parameters)
        loss = parameters.string("loss")
        alpha = parameters.double("alpha")
    }

    public struct Fitted: FittedRegressor, FeatureImportanceProvider {
        public let inputColumns: Int
        public let featureImportances: [Double]
        let initial: Double
        let learningRate: Double
        let nodes: TreeNodes

        public func predict(_ x: Matrix) throws -> [Double] {
            let rows = try float32Rows(x, operator: GradientBoostingRegressor.name)
            var out = [Double](repeating: initial, count: x.rows)
            nodes.accumulate(rows, rows: x.rows, columns: x.columns, into: &out, outWidth: 1, scale: learningRate)
            return out
        }

        enum CodingKeys: String, CodingKey { case inputColumns, featureImportances, initial, learningRate, nodes }

        init(inputColumns: Int, featureImportances: [Double], initial: Double, learningRate: Double, nodes: TreeNodes) {
            self.inputColumns = inputColumns
            self.featureImportances = featureImportances
            self.initial = initial
            self.learningRate = learningRate
            self.nodes = nodes
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputColumns = try c.decode(Int.self, forKey: .inputColumns)
            featureImportances = try c.decode([Double].self, forKey: .featureImportances)
            initial = try c.decode(Double.self, forKey: .initial)
            learningRate = try c.decode(Double.self, forKey: .learningRate)
            nodes = try c.decode(TreeNodes.self, forKey: .nodes)
            guard nodes.width == 1, featureImportances.count == inputColumns else {
                throw OperatorError.invalidModel(reason: "gradient boosting state does not match its column count")
            }
            try nodes.validate(columns: inputColumns)
        }
    }

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try checkTargets(y, operator: Self.name)
        let n = x.rows
        let data = try TreeTrainingData(x, operator: Self.name)
        // DummyRegressor: mean, or numpy's (interpolated) percentile.
        let initial: Double
        switch loss {
        case "absolute_error", "huber": initial = Percentile.linear(y, q: 0.5 * 100.0)
        case "quantile": initial = Percentile.linear(y, q: alpha * 100.0)
        default: initial = y.reduce(0, +) / Double(n)
        }
        var raw = [Double](repeating: initial, count: n)
        var gradient = [Double](repeating: 0, count: n)
        var nodes = TreeNodes(width: 1)
        var importances = BoostingImportances(columns: x.columns)
        var rng = context.generator()
        let lr = settings.learningRate
        for stage in 0..<settings.nEstimators {
            try context.check()
            let rows = settings.inBagRows(n, rng: &rng)
            var delta = 0.0
            if loss == "huber" {
                delta = Percentile.weightedLower((0..<n).map { abs(y[$0] - raw[$0]) }, percentile: 100 * alpha)
            }
            for i in 0..<n {
                let residual = y[i] - raw[i]
                switch loss {
                case "absolute_error": gradient[i] = raw[i] > y[i] ? -1 : 1
                case "quantile": gradient[i] = y[i] >= raw[i] ? alpha : -(1 - alpha)
                case "huber":
                    let res = raw[i] - y[i]
                    gradient[i] = abs(res) <= delta ? -res : (res >= 0 ? -delta : delta)
                default: gradient[i] = residual
                }
            }
            var tree = try settings.stageTree(data, gradient: gradient, rows: rows, context: context.child(stage))
            importances.add(tree)
            let leafOf = tree.leafIndices(data)
            if loss != "squared_error" {
                let groups = LeafGroups(leafOf: leafOf, rows: rows, leafCount: tree.leafCount(width: 1))
                for leaf in 0..<tree.leafCount(width: 1) {
                    let residuals = groups.rows(ofLeaf: leaf).map { y[Int($0)] - raw[Int($0)] }
                    tree.values[leaf] = lineSearch(residuals, delta: delta)
                }
            }
            tree.values.withUnsafeBufferPointer { v in
                for i in 0..<n { raw[i] += lr * v[Int(leafOf[i])] }
            }
            nodes.append(tree)
        }
        return Fitted(inputColumns: x.columns, featureImportances: importances.normalized, initial: initial,
                      learningRate: lr, nodes: nodes)
    }

    /// The loss's `fit_intercept_only` on a leaf's residuals, with unit weights (scikit-learn passes them).
    func lineSearch(_ residuals: [Double], delta: Double) -> Double {
        switch loss {
        case "absolute_error": return Percentile.weightedLower(residuals, percentile: 50)
        case "quantile": return Percentile.weightedLower(residuals, percentile: 100 * alpha)
        case "huber":
            let median = Percentile.weightedLower(residuals, percentile: 50)
            var total = 0.0
            for r in residuals {
                let diff = r - median
                let term = min(delta, abs(diff))
                total += diff > 0 ? term : (diff < 0 ? -term : 0)
            }
            return median + total / Double(max(residuals.count, 1))
        default:
            return residuals.reduce(0, +) / Double(max(residuals.count, 1))
        }
    }
}
