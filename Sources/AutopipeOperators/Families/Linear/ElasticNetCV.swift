import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Elastic net with the regularisation strength chosen by internal cross-validation, as scikit-learn 1.5's
/// `ElasticNetCV` with one `l1_ratio`: the alpha grid from the full data (`n_alphas` values geometrically spaced
/// from alpha_max down to `eps` * alpha_max), `cv` contiguous folds (KFold without shuffling), on each fold the
/// coordinate-descent path over the grid with warm starts (Gram variant when the fold has more rows than
/// columns, as `precompute='auto'`), the alpha with the lowest mean test MSE, then a final fit on all rows from
/// zero weights without the Gram matrix (as scikit-learn's refit). Not supported: explicit `alphas`,
/// `precompute` other than 'auto', `l1_ratio` lists.
public struct ElasticNetCV: Regressor {
    public static let name = "ElasticNetCV"
    public static let role = OperatorRole.regressor
    public static let summary = "Elastic net (L1 + L2) with alpha chosen by internal 5-fold cross-validation."
    public static let space = ParameterSpace([
        .real("l1_ratio", 0...1, default: 0.5, grid: (1...20).map { Double($0) * 0.05 }),
        .real("eps", above: 0, default: 1e-3),
        .integer("n_alphas", 1..., default: 100),
        .boolean("fit_intercept", default: true, grid: []),
        .integer("max_iter", 0..., default: 1000),
        .real("tol", atLeast: 0, default: 1e-4, grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]),
        .integer("cv", 2..., default: nil),
        .boolean("positive", default: false, grid: []),
        .choice("selection", ["cyclic", "random"], default: "cyclic", grid: []),
    ], rule: { p in
        p.double("l1_ratio") == 0
            ? "Automatic alpha grid generation is not supported for l1_ratio=0 (autopipe takes no explicit alphas)."
            : nil
    })

    public let parameters: Parameters
    let l1Ratio: Double
    let eps: Double
    let nAlphas: Int
    let fitIntercept: Bool
    let maxIter: Int
    let tol: Double
    let folds: Int
    let positive: Bool
    let random: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        l1Ratio = parameters.double("l1_ratio")
        eps = parameters.double("eps")
        nAlphas = parameters.int("n_alphas")
        fitIntercept = parameters.bool("fit_intercept")
        maxIter = parameters.int("max_iter")
        tol = parameters.double("tol")
        folds = parameters.optionalInt("cv") ?? 5
        positive = parameters.bool("positive")
        random = parameters.string("selection") == "random"
    }

    public typealias Fitted = FittedLinearRegressor

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        if n < folds {
            throw OperatorError.invalidInput(operator: Self.name, reason:
                "Cannot have number of splits n_splits=\(folds) greater than the number of samples: n_samples=\(n).")
        }
        let alphas = alphaGrid(x, y)
        var generator = context.generator()
        var meanMSE = [Double](repeating: 0, count: alphas.count)
        for test in contiguousFolds(rows: n, folds: folds) {
            var isTest = [Bool](repeating: false, count: n)
            for i in test { isTest[i] = true }
            let train = (0..<n).filter { !isTest[$0] }
            let trainX = x.selectingRows(train)
            let trainY = train.map { y[$0] }
            let centered = CenteredData(trainX, trainY, fitIntercept: fitIntercept)
            let mse = try pathMSE(centered, alphas: alphas, testX: x.selectingRows(test), testY: test.map { y[$0] },
                                  generator: &generator, context: context)
            for a in 0..<alphas.count { meanMSE[a] += mse[a] / Double(folds) }
        }
        var best = 0
        for a in 1..<max(alphas.count, 1) where meanMSE[a] < meanMSE[best] { best = a }
        // Final fit: ElasticNet(alpha=best, precompute=False) from zero weights.
        let centered = CenteredData(x, y, fitIntercept: fitIntercept)
        var w = [Double](repeating: 0, count: d)
        let xColumns = Matrix(rows: n, columns: d, values: centered.x).columnMajorValues()
        try CoordinateDescent.enet(w: &w, l1: alphas[best] * l1Ratio * Double(n),
                                   l2: alphas[best] * (1 - l1Ratio) * Double(n), xColumnMajor: xColumns, rows: n,
                                   columns: d, y: centered.y, maxIter: maxIter, tol: tol, positive: positive,
                                   random: random, generator: &generator, context: context)
        var intercept = 0.0
        if fitIntercept {
            intercept = centered.yMean
            for j in 0..<d { intercept -= centered.xMean[j] * w[j] }
        }
        try checkFinite(w + [intercept], operator: Self.name)
        return Fitted(inputColumns: d, coef: w, intercept: intercept)
    }

    /// scikit-learn's `_alpha_grid`: alpha_max = max |X^T y| / (n l1_ratio) on centred data, then
    /// `np.geomspace(alpha_max, eps * alpha_max, n_alphas)`.
    func alphaGrid(_ x: Matrix, _ y: [Double]) -> [Double] {
        let centered = CenteredData(x, y, fitIntercept: fitIntercept)
        let n = x.rows, d = x.columns
        var xy = [Double](repeating: 0, count: d)
        centered.x.withUnsafeBufferPointer { xb in
            centered.y.withUnsafeBufferPointer { yb in
                xy.withUnsafeMutableBufferPointer { ob in
                    if let xp = xb.baseAddress, let yp = yb.baseAddress, let op = ob.baseAddress {
                        LinearBLAS.gemvT(xp, rows: n, columns: d, yp, op)
                    }
                }
            }
        }
        let alphaMax = (xy.map { abs($0) }.max() ?? 0) / (Double(n) * l1Ratio)
        if alphaMax <= 1e-15 { return [Double](repeating: 1e-15, count: nAlphas) }
        return geomspace(alphaMax, alphaMax * eps, count: nAlphas)
    }

    /// The elastic-net path on one training fold and the test MSE of each alpha.
    private func pathMSE(_ data: CenteredData, alphas: [Double], testX: Matrix, testY: [Double],
                         generator: inout SeededGenerator, context: FitContext) throws -> [Double] {
        let n = data.rows, d = data.columns
        let useGram = n > d
        var gram: [Double] = [], xy: [Double] = [], yNorm2 = 0.0, xColumns: [Double] = []
        if useGram {
            gram = data.x.withUnsafeBufferPointer { LinearBLAS.gram($0.baseAddress!, rows: n, columns: d) }
            xy = [Double](repeating: 0, count: d)
            data.x.withUnsafeBufferPointer { xb in
                data.y.withUnsafeBufferPointer { yb in
                    xy.withUnsafeMutableBufferPointer { ob in
                        if let xp = xb.baseAddress, let yp = yb.baseAddress, let op = ob.baseAddress {
                            LinearBLAS.gemvT(xp, rows: n, columns: d, yp, op)
                        }
                    }
                }
            }
            for v in data.y { yNorm2 += v * v }
        } else {
            xColumns = Matrix(rows: n, columns: d, values: data.x).columnMajorValues()
        }
        var w = [Double](repeating: 0, count: d)
        var mse = [Double](repeating: 0, count: alphas.count)
        let testRows = testX.rows
        var predicted = [Double](repeating: 0, count: testRows)
        for (a, alpha) in alphas.enumerated() {
            let l1 = alpha * l1Ratio * Double(n), l2 = alpha * (1 - l1Ratio) * Double(n)
            if useGram {
                try CoordinateDescent.enetGram(w: &w, l1: l1, l2: l2, gram: gram, xy: xy, yNorm2: yNorm2, columns: d,
                                               maxIter: maxIter, tol: tol, positive: positive, random: random,
                                               generator: &generator, context: context)
            } else {
                try CoordinateDescent.enet(w: &w, l1: l1, l2: l2, xColumnMajor: xColumns, rows: n, columns: d,
                                           y: data.y, maxIter: maxIter, tol: tol, positive: positive, random: random,
                                           generator: &generator, context: context)
            }
            var intercept = data.yMean
            for j in 0..<d { intercept -= data.xMean[j] * w[j] }
            testX.values.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    predicted.withUnsafeMutableBufferPointer { pb in
                        if let xp = xb.baseAddress, let wp = wb.baseAddress, let pp = pb.baseAddress {
                            LinearBLAS.gemv(xp, rows: testRows, columns: d, wp, pp)
                        }
                    }
                }
            }
            var total = 0.0
            for r in 0..<testRows {
                let residual = predicted[r] - testY[r] + intercept
                total += residual * residual
            }
            mse[a] = total / Double(max(testRows, 1))
        }
        return mse
    }
}

/// `np.geomspace(start, stop, count)`: 10 ** linspace(log10(start), log10(stop)), endpoints exact.
func geomspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
    if count <= 0 { return [] }
    if count == 1 { return [start] }
    let a = log10(start), b = log10(stop)
    let step = (b - a) / Double(count - 1)
    var out = (0..<count).map { pow(10, Double($0) * step + a) }
    out[0] = start
    out[count - 1] = stop
    return out
}
