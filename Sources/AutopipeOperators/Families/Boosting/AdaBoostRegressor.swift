import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// scikit-learn's AdaBoostRegressor (AdaBoost.R2, Drucker 1997) with its default base estimator,
/// `DecisionTreeRegressor(max_depth=3)`: each round fits a tree on a weighted bootstrap sample, scores every
/// sample's error relative to the largest (linear, square or exponential), stops when the weighted error reaches
/// 0.5 (or 0), and reweights by `beta ** ((1 - error) * learning_rate)`. The prediction is the weighted median of
/// the trees' predictions (weights `learning_rate * log(1 / beta)`).
///
/// Random (the bootstrap draws and the trees' feature order come from autopipe's generator), so it matches
/// scikit-learn in cross-validated score rather than tree for tree. Not supported: a custom `estimator`.
public struct AdaBoostRegressor: Regressor {
    public static let name = "AdaBoostRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "AdaBoost.R2 over depth-3 regression trees."
    public static let space: ParameterSpace = [
        .integer("n_estimators", 1..., default: 50, grid: [100], doc: "maximum number of boosting rounds"),
        .real("learning_rate", above: 0, default: 1.0, grid: TPOTGrid.learningRates,
              doc: "shrinks each tree's weight and the reweighting"),
        .choice("loss", ["linear", "square", "exponential"], default: "linear",
                doc: "how a sample's relative error is measured"),
    ]

    public let parameters: Parameters
    let nEstimators: Int
    let learningRate: Double
    let loss: String

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        nEstimators = parameters.int("n_estimators")
        learningRate = parameters.double("learning_rate")
        loss = parameters.string("loss")
    }

    public struct Fitted: FittedRegressor, FeatureImportanceProvider {
        public let inputColumns: Int
        /// scikit-learn's `feature_importances_`: the estimator-weighted mean of the trees' importances.
        public let featureImportances: [Double]
        let estimatorWeights: [Double]
        let nodes: TreeNodes

        public func predict(_ x: Matrix) throws -> [Double] {
            let rows = try float32Rows(x, operator: AdaBoostRegressor.name)
            let trees = nodes.treeCount
            var predictions = [Double](repeating: 0, count: x.rows * trees)
            nodes.accumulate(rows, rows: x.rows, columns: x.columns, into: &predictions, outWidth: trees,
                             column: { $0 })
            var out = [Double](repeating: 0, count: x.rows)
            var order = [Int](repeating: 0, count: trees)
            for r in 0..<x.rows {
                let base = r * trees
                for t in 0..<trees { order[t] = t }
                order.sort { predictions[base + $0] < predictions[base + $1] }
                out[r] = Self.weightedMedian(order.map { predictions[base + $0] }, order.map { estimatorWeights[$0] })
            }
            return out
        }

        /// scikit-learn's `_get_median_predict`: the first sorted prediction whose cumulative weight reaches half
        /// the total.
        static func weightedMedian(_ sortedValues: [Double], _ weights: [Double]) -> Double {
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            for (i, w) in weights.enumerated() {
                cumulative += w
                if cumulative >= 0.5 * total { return sortedValues[i] }
            }
            return sortedValues.last ?? 0
        }

        enum CodingKeys: String, CodingKey { case inputColumns, featureImportances, estimatorWeights, nodes }

        init(inputColumns: Int, featureImportances: [Double], estimatorWeights: [Double], nodes: TreeNodes) {
            self.inputColumns = inputColumns
            self.featureImportances = featureImportances
            self.estimatorWeights = estimatorWeights
            self.nodes = nodes
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputColumns = try c.decode(Int.self, forKey: .inputColumns)
            featureImportances = try c.decode([Double].self, forKey: .featureImportances)
            estimatorWeights = try c.decode([Double].self, forKey: .estimatorWeights)
            nodes = try c.decode(TreeNodes.self, forKey: .nodes)
            guard nodes.width == 1, nodes.treeCount == estimatorWeights.count, nodes.treeCount > 0,
                  featureImportances.count == inputColumns else {
                throw OperatorError.invalidModel(reason: "AdaBoost state is inconsistent")
            }
            try nodes.validate(columns: inputColumns)
        }
    }

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try checkTargets(y, operator: Self.name)
        let n = x.rows
        let data = try TreeTrainingData(x, operator: Self.name)
        let treeSettings = TreeSettings(criterion: .squaredError, maxDepth: 3, maxFeatures: x.columns)
        var sampleWeight = [Double](repeating: 1 / Double(n), count: n)
        var rng = context.generator()
        var nodes = TreeNodes(width: 1)
        var weights: [Double] = []
        var treeImportances: [[Double]] = []
        var cdf = [Double](repeating: 0, count: n)
        var samples = [Int32](repeating: 0, count: n)
        var error = [Double](repeating: 0, count: n)
        let epsilon = Double.ulpOfOne
        for round in 0..<nEstimators {
            try context.check()
            for i in 0..<n { sampleWeight[i] = max(sampleWeight[i], epsilon) }
            // numpy's choice(n, n, p=w): inverse CDF of uniform draws (searchsorted, side='right').
            var running = 0.0
            for i in 0..<n {
                running += sampleWeight[i]
                cdf[i] = running
            }
            for i in 0..<n { cdf[i] /= running }
            for i in 0..<n {
                let u = rng.nextDouble()
                var lo = 0, hi = n
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cdf[mid] <= u { lo = mid + 1 } else { hi = mid }
                }
                samples[i] = Int32(min(lo, n - 1))
            }
            var treeRNG = context.child(round).generator()
            let tree = try CARTBuilder.buildTree(data: data, targets: y, samples: samples, settings: treeSettings,
                                                 rng: &treeRNG, context: context)
            let leafOf = tree.leafIndices(data)
            var errorMax = 0.0
            for i in 0..<n {
                error[i] = abs(tree.values[Int(leafOf[i])] - y[i])
                errorMax = max(errorMax, error[i])
            }
            if errorMax != 0 { for i in 0..<n { error[i] /= errorMax } }
            if loss == "square" {
                for i in 0..<n { error[i] *= error[i] }
            } else if loss == "exponential" {
                for i in 0..<n { error[i] = 1 - exp(-error[i]) }
            }
            var estimatorError = 0.0
            for i in 0..<n { estimatorError += sampleWeight[i] * error[i] }
            if estimatorError <= 0 {
                // A perfect fit: keep it with weight 1 and stop.
                nodes.append(tree)
                weights.append(1)
                treeImportances.append(normalizedImportances(tree.rawImportances, rootWeight: tree.rootWeight))
                break
            }
            if estimatorError >= 0.5 {
                // Discarded, unless it is the only tree (then kept with weight 0, as scikit-learn does).
                if weights.isEmpty {
                    nodes.append(tree)
                    weights.append(0)
                    treeImportances.append(normalizedImportances(tree.rawImportances, rootWeight: tree.rootWeight))
                }
                break
            }
            let beta = estimatorError / (1 - estimatorError)
            let estimatorWeight = learningRate * log(1 / beta)
            if round != nEstimators - 1 {
                for i in 0..<n { sampleWeight[i] *= pow(beta, (1 - error[i]) * learningRate) }
            }
            nodes.append(tree)
            weights.append(estimatorWeight)
            treeImportances.append(normalizedImportances(tree.rawImportances, rootWeight: tree.rootWeight))
            let total = sampleWeight.reduce(0, +)
            if !total.isFinite || total <= 0 { break }
            if round < nEstimators - 1 { for i in 0..<n { sampleWeight[i] /= total } }
        }
        // BaseWeightBoosting.feature_importances_: sum(w_i * importances_i) / sum(w_i).
        var importances = [Double](repeating: 0, count: x.columns)
        let weightSum = weights.reduce(0, +)
        if weightSum > 0 {
            for (w, tree) in zip(weights, treeImportances) { for c in 0..<x.columns { importances[c] += w * tree[c] } }
            importances = importances.map { $0 / weightSum }
        }
        return Fitted(inputColumns: x.columns, featureImportances: importances, estimatorWeights: weights, nodes: nodes)
    }
}
