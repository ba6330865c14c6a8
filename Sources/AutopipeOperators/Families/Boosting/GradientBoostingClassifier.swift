import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// scikit-learn's GradientBoostingClassifier: log-loss (binomial for two classes, one tree per stage; multinomial
/// for more, one tree per class per stage) or exponential loss (two classes), starting from the class priors,
/// each stage tree fitted on the negative gradient and its leaves set by one Newton step, as scikit-learn's
/// `_update_terminal_regions` (including the multinomial (K-1)/K factor).
///
/// Deterministic given the trees: with `subsample=1.0` and `max_features=None`, probabilities match
/// scikit-learn's to float rounding wherever the stage trees' best splits are unique. Classes absent from the
/// training labels get probability 0 (scikit-learn only knows the classes it saw). Not supported: `init`,
/// `max_leaf_nodes`, `ccp_alpha`, `warm_start`, early stopping, an int `max_features`.
public struct GradientBoostingClassifier: Classifier {
    public static let name = "GradientBoostingClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "Gradient boosting of regression trees on the log-loss (or exponential loss)."
    public static let space = ParameterSpace(
        [.choice("loss", ["log_loss", "exponential"], default: "log_loss", grid: [],
                 doc: "log_loss (binomial/multinomial deviance) or exponential (AdaBoost, two classes only)")]
            + GradientBoostingSettings.commonSpecs)

    public let parameters: Parameters
    let settings: GradientBoostingSettings
    let exponential: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = GradientBoostingSettings(parameters)
        exponential = parameters.string("loss") == "exponential"
    }

    public struct Fitted: FittedClassifier, FeatureImportanceProvider {
        public let inputColumns: Int
        public let classCount: Int
        public let featureImportances: [Double]
        /// The classes seen in training, in order (the model's columns).
        let classes: [Int]
        let exponential: Bool
        let initial: [Double]
        let learningRate: Double
        /// Stage-major: tree `t` adds to raw column `t % initial.count`.
        let nodes: TreeNodes
        public var scoresAreProbabilities: Bool { true }

        /// scikit-learn's `decision_function` (raw predictions), rows x (1 for two classes, else classes).
        func raw(_ x: Matrix) throws -> [Double] {
            let rows = try float32Rows(x, operator: GradientBoostingClassifier.name)
            let k = initial.count
            var out = [Double](repeating: 0, count: x.rows * k)
            for r in 0..<x.rows { for j in 0..<k { out[r * k + j] = initial[j] } }
            nodes.accumulate(rows, rows: x.rows, columns: x.columns, into: &out, outWidth: k, scale: learningRate,
                             column: { $0 % k })
            return out
        }

        public func scores(_ x: Matrix) throws -> Matrix {
            let raw = try raw(x)
            let k = initial.count
            var out = Matrix(rows: x.rows, columns: classCount)
            for r in 0..<x.rows {
                if k == 1 {
                    let p = exponential ? expit(2 * raw[r]) : expit(raw[r])
                    out[r, classes[0]] = 1 - p
                    out[r, classes[1]] = p
                } else {
                    let p = softmax(Array(raw[(r * k)..<((r + 1) * k)]))
                    for j in 0..<k { out[r, classes[j]] = p[j] }
                }
            }
            return out
        }

        /// scikit-learn: `raw >= 0` for two classes, else the first argmax of the raw predictions.
        public func predict(_ x: Matrix) throws -> [Int] {
            let raw = try raw(x)
            let k = initial.count
            return (0..<x.rows).map { r in
                if k == 1 { return classes[raw[r] >= 0 ? 1 : 0] }
                var best = 0
                for j in 1..<k where raw[r * k + j] > raw[r * k + best] { best = j }
                return classes[best]
            }
        }

        enum CodingKeys: String, CodingKey {
            case inputColumns, classCount, featureImportances, classes, exponential, initial, learningRate, nodes
        }

        init(inputColumns: Int, classCount: Int, featureImportances: [Double], classes: [Int], exponential: Bool,
             initial: [Double], learningRate: Double, nodes: TreeNodes) {
            self.inputColumns = inputColumns
            self.classCount = classCount
            self.featureImportances = featureImportances
            self.classes = classes
            self.exponential = exponential
            self.initial = initial
            self.learningRate = learningRate
            self.nodes = nodes
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputColumns = try c.decode(Int.self, forKey: .inputColumns)
            classCount = try c.decode(Int.self, forKey: .classCount)
            featureImportances = try c.decode([Double].self, forKey: .featureImportances)
            classes = try c.decode([Int].self, forKey: .classes)
            exponential = try c.decode(Bool.self, forKey: .exponential)
            initial = try c.decode([Double].self, forKey: .initial)
            learningRate = try c.decode(Double.self, forKey: .learningRate)
            nodes = try c.decode(TreeNodes.self, forKey: .nodes)
            let k = initial.count
            guard classes.count >= 2, k == (classes.count == 2 ? 1 : classes.count),
                  classes.allSatisfy({ $0 >= 0 && $0 < classCount }), nodes.width == 1,
                  nodes.treeCount % k == 0, featureImportances.count == inputColumns else {
                throw OperatorError.invalidModel(reason: "gradient boosting classifier state is inconsistent")
            }
            try nodes.validate(columns: inputColumns)
        }
    }

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let n = x.rows
        var counts = [Int](repeating: 0, count: classCount)
        for label in y {
            guard label >= 0 && label < classCount else {
                throw OperatorError.invalidInput(operator: Self.name, reason: "class index \(label) outside 0..<\(classCount)")
            }
            counts[label] += 1
        }
        let classes = (0..<classCount).filter { counts[$0] > 0 }
        guard classes.count >= 2 else { throw OperatorError.tooFewClasses(operator: Self.name, found: classes.count) }
        if exponential && classes.count > 2 {
            throw OperatorError.invalidCombination(operator: Self.name, message:
                "loss='exponential' is only suitable for a binary classification problem, you have n_classes=\(classes.count). Please use loss='log_loss' instead.")
        }
        var position = [Int](repeating: 0, count: classCount)
        for (j, c) in classes.enumerated() { position[c] = j }
        let labels = y.map { position[$0] }
        let data = try TreeTrainingData(x, operator: Self.name)
        let k = classes.count == 2 ? 1 : classes.count
        // DummyClassifier(strategy="prior"), clipped to float32 eps, through the loss's link.
        let eps = Double(Float.ulpOfOne)
        let priors = classes.map { min(max(Double(counts[$0]) / Double(n), eps), 1 - eps) }
        var initial: [Double]
        if k == 1 {
            let p = priors[1]
            initial = [exponential ? 0.5 * log(p / (1 - p)) : log(p / (1 - p))]
        } else {
            let meanLog = priors.map { log($0) }.reduce(0, +) / Double(k)
            let gmean = exp(meanLog)
            initial = priors.map { log($0 / gmean) }
        }
        var raw = [Double](repeating: 0, count: n * k)
        for r in 0..<n { for j in 0..<k { raw[r * k + j] = initial[j] } }
        var nodes = TreeNodes(width: 1)
        var importances = BoostingImportances(columns: x.columns)
        var rng = context.generator()
        let lr = settings.learningRate
        var gradient = [Double](repeating: 0, count: n * k)
        for stage in 0..<settings.nEstimators {
            try context.check()
            let rows = settings.inBagRows(n, rng: &rng)
            negativeGradient(raw, labels: labels, k: k, into: &gradient)
            // A stage's k class trees depend only on the stage's gradient and their own seeds, and each adds to
            // its own column of raw: independent pieces that idle threads may take (`FitContext.forEachPiece`).
            let trees = PieceResults<BuiltTree>(count: k)
            let gradientNow = gradient
            try raw.withUnsafeMutableBufferPointer { rawBuffer in
                let out = UnsafeSendable(rawBuffer)
                context.forEachPiece(k, work: rows.count * x.columns * k) { j in
                    do {
                        var column = [Double](repeating: 0, count: n)
                        for r in 0..<n { column[r] = gradientNow[r * k + j] }
                        var tree = try settings.stageTree(data, gradient: column, rows: rows,
                                                          context: context.child(stage * k + j))
                        let leafOf = tree.leafIndices(data)
                        let leaves = tree.leafCount(width: 1)
                        let groups = LeafGroups(leafOf: leafOf, rows: rows, leafCount: leaves)
                        for leaf in 0..<leaves {
                            tree.values[leaf] = newtonStep(groups.rows(ofLeaf: leaf), column: column, labels: labels,
                                                           classIndex: k == 1 ? 1 : j, k: k)
                        }
                        let raw = out.value
                        tree.values.withUnsafeBufferPointer { v in
                            for r in 0..<n { raw[r * k + j] += lr * v[Int(leafOf[r])] }
                        }
                        trees.set(j, .success(tree))
                    } catch {
                        trees.set(j, .failure(error))
                    }
                }
                for tree in try trees.values() {
                    importances.add(tree)
                    nodes.append(tree)
                }
            }
        }
        return Fitted(inputColumns: x.columns, classCount: classCount, featureImportances: importances.normalized,
                      classes: classes, exponential: exponential, initial: initial, learningRate: lr, nodes: nodes)
    }

    /// The negative gradient of the loss at the raw predictions (scikit-learn's Cython formulas).
    func negativeGradient(_ raw: [Double], labels: [Int], k: Int, into out: inout [Double]) {
        let n = labels.count
        if k == 1 {
            for r in 0..<n {
                let y = Double(labels[r]), f = raw[r]
                if exponential {
                    let t = exp(f)
                    out[r] = -(-y / t + (1 - y) * t)
                } else if f > -37 {
                    let e = exp(-f)
                    out[r] = -(((1 - y) - y * e) / (1 + e))
                } else {
                    out[r] = -(exp(f) - y)
                }
            }
            return
        }
        var p = [Double](repeating: 0, count: k)
        for r in 0..<n {
            var top = raw[r * k]
            for j in 1..<k where top < raw[r * k + j] { top = raw[r * k + j] }
            var sum = 0.0
            for j in 0..<k {
                p[j] = exp(raw[r * k + j] - top)
                sum += p[j]
            }
            for j in 0..<k {
                let prob = p[j] / sum
                out[r * k + j] = -(prob - (labels[r] == j ? 1 : 0))
            }
        }
    }

    /// One Newton step for a leaf: sum(neg_g) / sum(hessian) (times (K-1)/K for the multinomial loss).
    func newtonStep(_ rows: ArraySlice<Int32>, column: [Double], labels: [Int], classIndex: Int, k: Int) -> Double {
        guard !rows.isEmpty else { return 0 }
        var numerator = 0.0, denominator = 0.0
        for r in rows {
            let g = column[Int(r)]
            let y = labels[Int(r)] == classIndex ? 1.0 : 0.0
            numerator += g
            if exponential {
                denominator += y == 0 ? -g : g
            } else {
                let prob = y - g
                denominator += prob * (1 - prob)
            }
        }
        let count = Double(rows.count)
        numerator /= count
        denominator /= count
        if k > 1 { numerator *= Double(k - 1) / Double(k) }
        return safeDivide(numerator, denominator)
    }
}

@inline(__always) func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// scikit-learn's softmax: subtract the row maximum, exponentiate, divide by the sum.
func softmax(_ z: [Double]) -> [Double] {
    let top = z.max() ?? 0
    let e = z.map { exp($0 - top) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
}
