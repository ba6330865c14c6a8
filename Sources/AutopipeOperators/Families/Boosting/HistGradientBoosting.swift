import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// The losses of histogram gradient boosting, with scikit-learn's formulas (`sklearn._loss`): half squared
/// error (gradient raw - y, hessian 1), half binomial (gradient expit(raw) - y, hessian p (1 - p)) and
/// multinomial (softmax; gradient p_k - [y = k], hessian p_k (1 - p_k)). Gradients and hessians are Float,
/// as scikit-learn's G_H_DTYPE.
enum HistLoss: String, Codable, Sendable {
    case squaredError, binomial, multinomial
}

/// Hyperparameters shared by HistGradientBoostingClassifier and HistGradientBoostingRegressor.
struct HistBoostingConfig: Sendable {
    var learningRate: Double
    var maxIter: Int
    var maxLeafNodes: Int?
    var maxDepth: Int?
    var minSamplesLeaf: Int
    var l2: Double
    var maxFeatures: Double
    var maxBins: Int
    var validationFraction: Double?
    var nIterNoChange: Int
    var tol: Double

    init(_ p: Parameters) {
        learningRate = p.double("learning_rate")
        maxIter = p.int("max_iter")
        maxLeafNodes = p.optionalInt("max_leaf_nodes")
        maxDepth = p.optionalInt("max_depth")
        minSamplesLeaf = p.int("min_samples_leaf")
        l2 = p.double("l2_regularization")
        maxFeatures = p.double("max_features")
        maxBins = p.int("max_bins")
        validationFraction = p.optionalDouble("validation_fraction")
        nIterNoChange = p.int("n_iter_no_change")
        tol = p.double("tol")
    }

    /// The parameters both operators share, with scikit-learn 1.5.2's domains and defaults. Grid (TPOT's
    /// XGBClassifier/XGBRegressor grid translated): learning_rate {1e-3, 1e-2, 1e-1, 0.5, 1}, max_depth 1...10,
    /// max_iter {100}, min_samples_leaf 1...20 (XGBoost's min_child_weight range), l2_regularization
    /// {0, 1e-3, 1e-2, 1e-1, 1, 10}.
    static let sharedSpecs: [ParameterSpec] = [
        .real("learning_rate", above: 0, default: 0.1, grid: [1e-3, 1e-2, 1e-1, 0.5, 1.0],
              doc: "Shrinkage applied to every leaf value."),
        .integer("max_iter", 1..., default: 100, grid: [100], doc: "Boosting iterations (trees per class)."),
        .integer("max_leaf_nodes", 2..., default: 31, grid: [], allowsNone: true, doc: "Leaves per tree."),
        .integer("max_depth", 1..., default: nil, grid: Array(1...10), doc: "Depth limit (edges from the root)."),
        .integer("min_samples_leaf", 1..., default: 20, grid: Array(1...20), doc: "Samples per leaf."),
        .real("l2_regularization", atLeast: 0, default: 0.0, grid: [0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0],
              doc: "L2 penalty on leaf values."),
        .real("max_features", above: 0, atMost: 1, default: 1.0, grid: [],
              doc: "Fraction of features drawn at random for each split."),
        .integer("max_bins", 2...255, default: 255, grid: [], doc: "Bins for non-missing values."),
        .real("validation_fraction", above: 0, below: 1, default: 0.1, grid: [], allowsNone: true,
              doc: "Held-out fraction for early stopping (None: stop on the training loss)."),
        .integer("n_iter_no_change", 1..., default: 10, grid: [], doc: "Early-stopping patience."),
        .real("tol", atLeast: 0, default: 1e-7, grid: [], doc: "Early-stopping tolerance on the loss."),
    ]
}

/// A fitted histogram gradient boosting model: the baseline and every tree in flat arrays. Tree `t` (iteration
/// `t / treesPerIteration`, output `t % treesPerIteration`) starts at node `roots[t]`; child indices are absolute.
struct HistEnsemble: Codable, Sendable {
    let inputColumns: Int
    let treesPerIteration: Int
    let baseline: [Double]
    var roots: [Int32] = []
    var feature: [Int32] = []          // -1 at leaves
    /// `x <= threshold` goes left (scikit-learn's num_threshold; +inf stored as the largest finite Double).
    var threshold: [Double] = []
    var missingLeft: [Bool] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var value: [Double] = []

    var iterations: Int { roots.count / max(treesPerIteration, 1) }

    /// Raw predictions (n x treesPerIteration, row-major): baseline plus every tree, in order.
    func rawPredict(_ x: Matrix) -> [Double] {
        let n = x.rows, d = x.columns, k = treesPerIteration
        var raw = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for c in 0..<k { raw[i * k + c] = baseline[c] } }
        guard n > 0 else { return raw }
        x.values.withUnsafeBufferPointer { v in
            feature.withUnsafeBufferPointer { fe in
            threshold.withUnsafeBufferPointer { th in
            missingLeft.withUnsafeBufferPointer { ml in
            left.withUnsafeBufferPointer { le in
            right.withUnsafeBufferPointer { ri in
            value.withUnsafeBufferPointer { va in
                raw.withUnsafeMutableBufferPointer { out in
                    // Tree by tree (its few nodes stay in cache), rows in order; each row's sum is still
                    // baseline + tree 1 + tree 2 + ... as scikit-learn accumulates.
                    let base = v.baseAddress!
                    for (t, root) in roots.enumerated() {
                        let output = t % k
                        for i in 0..<n {
                            let row = base + i * d
                            var node = Int(root)
                            while fe[node] >= 0 {
                                let value = row[Int(fe[node])]
                                let goLeft = value.isNaN ? ml[node] : value <= th[node]
                                node = Int(goLeft ? le[node] : ri[node])
                            }
                            out[i * k + output] += va[node]
                        }
                    }
                }
            }}}}}}
        }
        return raw
    }

    /// Appends a grown tree, translating bin thresholds to feature values.
    mutating func append(_ tree: HistTree, bins: HistBinMapper) {
        let offset = Int32(feature.count)
        roots.append(offset)
        for j in 0..<tree.feature.count {
            let f = Int(tree.feature[j])
            feature.append(tree.feature[j])
            missingLeft.append(tree.missingLeft[j])
            left.append(tree.left[j] < 0 ? -1 : tree.left[j] + offset)
            right.append(tree.right[j] < 0 ? -1 : tree.right[j] + offset)
            value.append(tree.value[j])
            if f < 0 {
                threshold.append(0)
            } else {
                let b = Int(tree.bin[j])
                threshold.append(b == bins.binsNonMissing[f] - 1 ? Double.greatestFiniteMagnitude : bins.thresholds[f][b])
            }
        }
    }
}

/// The boosting loop shared by both operators (scikit-learn's `BaseHistGradientBoosting.fit` with
/// `scoring='loss'`, `early_stopping='auto'`).
enum HistBooster {
    /// `labels` are class indices in `0..<classes` (all present) for the log losses, `targets` the values for
    /// squared error.
    static func fit(_ x: Matrix, labels: [Int], classes: Int, targets: [Double], loss: HistLoss,
                    config c: HistBoostingConfig, context: FitContext) throws -> HistEnsemble {
        let n = x.rows, d = x.columns
        let k = loss == .multinomial ? classes : 1
        let generator = context.generator()
        // early_stopping='auto': on when there are more than 10,000 samples.
        let earlyStopping = n > 10_000
        var trainRows = Array(0..<n), validationRows: [Int] = []
        if earlyStopping, let fraction = c.validationFraction {
            let targetsForSplit: Targets = loss == .squaredError ? .values(targets) : .classes(labels, count: classes)
            let split = TrainTestSplit.make(targets: targetsForSplit, testSize: fraction,
                                            generator: generator.derived("validation"))
            trainRows = split.train
            validationRows = split.test
        }
        var binGenerator = generator.derived("binning")
        let mapper = try HistBinMapper(fitting: x, rows: trainRows, maxBins: c.maxBins, generator: &binGenerator,
                                       context: context)
        let nTrain = trainRows.count, nVal = validationRows.count
        let binned = mapper.transform(x, rows: trainRows)
        try context.check()
        let binnedVal = nVal > 0 ? mapper.transform(x, rows: validationRows) : []
        var hasMissing = [Bool](repeating: false, count: d)
        let missingCodes = mapper.binsNonMissing.map { UInt8(truncatingIfNeeded: $0) }
        for f in 0..<d {
            for i in 0..<nTrain where binned[f * nTrain + i] == missingCodes[f] { hasMissing[f] = true; break }
        }
        let yTrain = trainRows.map { loss == .squaredError ? targets[$0] : Double(labels[$0]) }
        let yVal = validationRows.map { loss == .squaredError ? targets[$0] : Double(labels[$0]) }
        let baseline = Self.baseline(yTrain, loss: loss, classes: k)
        var ensemble = HistEnsemble(inputColumns: d, treesPerIteration: k, baseline: baseline)
        var raw = [Double](repeating: 0, count: nTrain * k)
        for i in 0..<nTrain { for j in 0..<k { raw[i * k + j] = baseline[j] } }
        var rawVal = [Double](repeating: 0, count: nVal * k)
        for i in 0..<nVal { for j in 0..<k { rawVal[i * k + j] = baseline[j] } }

        let settings = HistGrowerSettings(
            binned: binned, n: nTrain, d: d, binsNonMissing: mapper.binsNonMissing, hasMissing: hasMissing,
            maxLeafNodes: c.maxLeafNodes,
            maxDepth: c.maxDepth, minSamplesLeaf: c.minSamplesLeaf, l2: c.l2, shrinkage: c.learningRate,
            featureFraction: c.maxFeatures, constantHessian: loss == .squaredError)
        let grower = HistTreeGrower(settings: settings)
        var gradients = [[Float]](repeating: [Float](repeating: 0, count: nTrain), count: k)
        var hessians = [[Float]](repeating: [Float](repeating: 0, count: nTrain), count: k)
        var scores: [Double] = []
        if earlyStopping {
            scores.append(nVal > 0 ? -meanLoss(yVal, rawVal, loss: loss, k: k) : -meanLoss(yTrain, raw, loss: loss, k: k))
        }
        var splitGenerator = generator.derived("features")
        // Multi-class without max_features draws: the class trees of an iteration can grow on idle threads.
        let classTrees = k > 1 && c.maxFeatures >= 1 && context.helpers != nil
            ? HistClassTrees(settings: settings, first: grower) : nil
        for _ in 0..<c.maxIter {
            try context.check()
            computeGradients(yTrain, raw, loss: loss, k: k, gradients: &gradients, hessians: &hessians)
            let trees: [HistTree]
            if let classTrees {
                // The k trees of an iteration depend only on this iteration's gradients; each adds to its own
                // column of the raw predictions.
                trees = try raw.withUnsafeMutableBufferPointer { r in
                    try classTrees.grow(gradients: gradients, hessians: hessians, raw: r, k: k, context: context)
                }
            } else {
                trees = try (0..<k).map { j in
                    let tree = try grower.grow(gradients: gradients[j],
                                               hessians: loss == .squaredError ? nil : hessians[j],
                                               generator: &splitGenerator, context: context)
                    raw.withUnsafeMutableBufferPointer { grower.addLeafValues(tree, to: $0, k: k, output: j) }
                    return tree
                }
            }
            for (j, tree) in trees.enumerated() {
                ensemble.append(tree, bins: mapper)
                if nVal > 0 { addBinnedPredictions(tree, binnedVal, n: nVal, missingCodes: missingCodes, into: &rawVal, k: k, output: j) }
            }
            if earlyStopping {
                scores.append(nVal > 0 ? -meanLoss(yVal, rawVal, loss: loss, k: k) : -meanLoss(yTrain, raw, loss: loss, k: k))
                if shouldStop(scores, nIterNoChange: c.nIterNoChange, tol: c.tol) { break }
            }
        }
        return ensemble
    }

    /// scikit-learn's `_should_stop`: stop when none of the last n_iter_no_change scores beats the one before
    /// them by more than tol.
    static func shouldStop(_ scores: [Double], nIterNoChange: Int, tol: Double) -> Bool {
        let referencePosition = nIterNoChange + 1
        guard scores.count >= referencePosition else { return false }
        let reference = scores[scores.count - referencePosition] + tol
        for s in scores[(scores.count - referencePosition + 1)...] where s > reference { return false }
        return true
    }

    static func baseline(_ y: [Double], loss: HistLoss, classes k: Int) -> [Double] {
        let n = Double(y.count)
        switch loss {
        case .squaredError:
            return [y.reduce(0, +) / n]
        case .binomial:
            let eps = 10 * Double.ulpOfOne
            let p = min(max(y.reduce(0, +) / n, eps), 1 - eps)
            return [log(p / (1 - p))]
        case .multinomial:
            var p = [Double](repeating: 0, count: k)
            for v in y { p[Int(v)] += 1 }
            let eps = Double.ulpOfOne
            for j in 0..<k { p[j] = min(max(p[j] / n, eps), 1 - eps) }
            let meanLog = p.reduce(0) { $0 + log($1) } / Double(k)
            let geometricMean = exp(meanLog)
            return p.map { log($0 / geometricMean) }
        }
    }

    static func computeGradients(_ y: [Double], _ raw: [Double], loss: HistLoss, k: Int,
                                 gradients: inout [[Float]], hessians: inout [[Float]]) {
        let n = y.count
        switch loss {
        case .squaredError:
            gradients[0].withUnsafeMutableBufferPointer { g in
                for i in 0..<n { g[i] = Float(raw[i] - y[i]) }
            }
        case .binomial:
            gradients[0].withUnsafeMutableBufferPointer { g in
                hessians[0].withUnsafeMutableBufferPointer { h in
                    for i in 0..<n {
                        let r = raw[i], t = y[i]
                        if r > -37 {
                            let e = exp(-r)
                            g[i] = Float(((1 - t) - t * e) / (1 + e))
                            h[i] = Float(e / ((1 + e) * (1 + e)))
                        } else {
                            let e = exp(r)
                            g[i] = Float(e - t)
                            h[i] = Float(e)
                        }
                    }
                }
            }
        case .multinomial:
            var p = [Double](repeating: 0, count: k)
            for i in 0..<n {
                var top = raw[i * k]
                for j in 1..<k where top < raw[i * k + j] { top = raw[i * k + j] }
                var total = 0.0
                for j in 0..<k { p[j] = exp(raw[i * k + j] - top); total += p[j] }
                let label = Int(y[i])
                for j in 0..<k {
                    let q = p[j] / total
                    gradients[j][i] = Float(q - (label == j ? 1 : 0))
                    hessians[j][i] = Float(q * (1 - q))
                }
            }
        }
    }

    static func meanLoss(_ y: [Double], _ raw: [Double], loss: HistLoss, k: Int) -> Double {
        let n = y.count
        guard n > 0 else { return 0 }
        var total = 0.0
        switch loss {
        case .squaredError:
            for i in 0..<n { let e = raw[i] - y[i]; total += 0.5 * e * e }
        case .binomial:
            for i in 0..<n { total += log1pexp(raw[i]) - y[i] * raw[i] }
        case .multinomial:
            for i in 0..<n {
                var top = raw[i * k]
                for j in 1..<k where top < raw[i * k + j] { top = raw[i * k + j] }
                var s = 0.0
                for j in 0..<k { s += exp(raw[i * k + j] - top) }
                total += log(s) + top - raw[i * k + Int(y[i])]
            }
        }
        return total / Double(n)
    }

    @inline(__always)
    static func log1pexp(_ x: Double) -> Double {
        if x <= -37 { return exp(x) }
        if x <= -2 { return log1p(exp(x)) }
        if x <= 18 { return log(1 + exp(x)) }
        if x <= 33.3 { return x + exp(-x) }
        return x
    }

    /// Adds one tree's predictions on column-major binned rows (scikit-learn's `predict_binned`).
    static func addBinnedPredictions(_ tree: HistTree, _ binned: [UInt8], n: Int, missingCodes: [UInt8],
                                     into raw: inout [Double], k: Int, output: Int) {
        binned.withUnsafeBufferPointer { xb in
            for i in 0..<n {
                var node = 0
                while tree.feature[node] >= 0 {
                    let f = Int(tree.feature[node])
                    let b = xb[f * n + i]
                    let goLeft = b == missingCodes[f] ? tree.missingLeft[node] : b <= tree.bin[node]
                    node = Int(goLeft ? tree.left[node] : tree.right[node])
                }
                raw[i * k + output] += tree.value[node]
            }
        }
    }

    /// predict_proba from raw predictions: expit for one output (two classes), softmax otherwise.
    static func probabilities(_ raw: [Double], n: Int, k: Int) -> [Double] {
        if k == 1 {
            var out = [Double](repeating: 0, count: n * 2)
            for i in 0..<n {
                let p = 1 / (1 + exp(-raw[i]))
                out[2 * i] = 1 - p
                out[2 * i + 1] = p
            }
            return out
        }
        var out = raw
        for i in 0..<n {
            var top = out[i * k]
            for j in 1..<k where out[i * k + j] > top { top = out[i * k + j] }
            var s = 0.0
            for j in 0..<k { out[i * k + j] = exp(out[i * k + j] - top); s += out[i * k + j] }
            for j in 0..<k { out[i * k + j] /= s }
        }
        return out
    }
}
