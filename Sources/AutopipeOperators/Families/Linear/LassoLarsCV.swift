import AutopipeData

/// Lasso fitted by least-angle regression with the penalty chosen by internal cross-validation, as scikit-learn
/// 1.5's `LassoLarsCV`: on each of `cv` contiguous folds (KFold without shuffling) the LARS-lasso path of the
/// centred training rows, its residuals on the test rows at each breakpoint, linearly interpolated (scipy's
/// interp1d) on the union of all folds' breakpoints (thinned to at most `max_n_alphas`), the alpha with the lowest
/// mean squared error, then the path on all rows down to that alpha. `normalize` is gone from scikit-learn 1.5
/// (TPOT's grid searched it), so the grid is empty. The Gram matrix is always used (scikit-learn's
/// `precompute='auto'` uses it when there are more rows than columns; the path is the same up to round-off);
/// `precompute` is not a parameter.
public struct LassoLarsCV: Regressor {
    public static let name = "LassoLarsCV"
    public static let role = OperatorRole.regressor
    public static let summary = "Lasso by least-angle regression, alpha chosen by internal 5-fold cross-validation."
    public static let space = ParameterSpace([
        .boolean("fit_intercept", default: true, grid: []),
        .integer("max_iter", 0..., default: 500),
        .integer("cv", 2..., default: nil),
        .integer("max_n_alphas", 1..., default: 1000),
        .real("eps", above: 0, default: Double.ulpOfOne),
        .boolean("positive", default: false, grid: []),
    ])

    public let parameters: Parameters
    let fitIntercept: Bool
    let maxIter: Int
    let folds: Int
    let maxNAlphas: Int
    let eps: Double
    let positive: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        fitIntercept = parameters.bool("fit_intercept")
        maxIter = parameters.int("max_iter")
        folds = parameters.optionalInt("cv") ?? 5
        maxNAlphas = parameters.int("max_n_alphas")
        eps = parameters.double("eps")
        positive = parameters.bool("positive")
    }

    public typealias Fitted = FittedLinearRegressor

    private func path(_ data: CenteredData, alphaMin: Double, context: FitContext) throws -> LarsPath {
        let n = data.rows, d = data.columns
        let gram = data.x.withUnsafeBufferPointer { LinearBLAS.gram($0.baseAddress!, rows: n, columns: d) }
        var xy = [Double](repeating: 0, count: d)
        data.x.withUnsafeBufferPointer { xb in
            data.y.withUnsafeBufferPointer { yb in
                xy.withUnsafeMutableBufferPointer { ob in
                    if let xp = xb.baseAddress, let yp = yb.baseAddress, let op = ob.baseAddress {
                        LinearBLAS.gemvT(xp, rows: n, columns: d, yp, op)
                    }
                }
            }
        }
        return try LarsPath.compute(gram: gram, xy: xy, samples: n, maxIter: maxIter, alphaMin: alphaMin, eps: eps,
                                    positive: positive, context: context)
    }

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        if n < folds {
            throw OperatorError.invalidInput(operator: Self.name, reason:
                "Cannot have number of splits n_splits=\(folds) greater than the number of samples: n_samples=\(n).")
        }
        // Per fold: ascending alphas and the test residuals (one row per alpha).
        var foldPaths: [(alphas: [Double], residues: [[Double]])] = []
        for test in contiguousFolds(rows: n, folds: folds) {
            var isTest = [Bool](repeating: false, count: n)
            for i in test { isTest[i] = true }
            let train = (0..<n).filter { !isTest[$0] }
            let data = CenteredData(x.selectingRows(train), train.map { y[$0] }, fitIntercept: fitIntercept)
            let lars = try path(data, alphaMin: 0, context: context)
            // Residuals of every breakpoint on the centred test rows: one gemm (test x path).
            var testX = x.selectingRows(test)
            testX.values.withUnsafeMutableBufferPointer { v in
                for r in 0..<test.count { for j in 0..<d { v[r * d + j] -= data.xMean[j] } }
            }
            let steps = lars.coefs.count
            let coefMatrix = lars.coefs.flatMap { $0 }
            var products = [Double](repeating: 0, count: test.count * steps)
            testX.values.withUnsafeBufferPointer { xb in
                coefMatrix.withUnsafeBufferPointer { cb in
                    products.withUnsafeMutableBufferPointer { pb in
                        if let xp = xb.baseAddress, let cp = cb.baseAddress, let pp = pb.baseAddress {
                            LinearBLAS.gemm(transA: false, transB: true, m: test.count, n: steps, k: d, xp, lda: d,
                                            cp, ldb: d, pp, ldc: steps)
                        }
                    }
                }
            }
            var residues = [[Double]](repeating: [Double](repeating: 0, count: test.count), count: steps)
            for (t, r) in test.enumerated() {
                let centredY = y[r] - data.yMean
                for k in 0..<steps { residues[k][t] = products[t * steps + k] - centredY }
            }
            foldPaths.append((Array(lars.alphas.reversed()), Array(residues.reversed())))
        }
        var all = Array(Set(foldPaths.flatMap { $0.alphas })).sorted()
        let stride = max(1, Int(Double(all.count) / Double(maxNAlphas)))
        all = Swift.stride(from: 0, to: all.count, by: stride).map { all[$0] }
        guard let top = all.last else { throw OperatorError.numerical(operator: Self.name, detail: "empty alpha path") }
        var msePath = [[Double]](repeating: [Double](repeating: 0, count: foldPaths.count), count: all.count)
        for (f, fold) in foldPaths.enumerated() {
            var alphas = fold.alphas, residues = fold.residues
            if alphas[0] != 0 { alphas.insert(0, at: 0); residues.insert(residues[0], at: 0) }
            if alphas[alphas.count - 1] != top {
                alphas.append(top)
                residues.append(residues[residues.count - 1])
            }
            // scipy interp1d (linear, sorted by a stable argsort).
            let order = alphas.indices.sorted { alphas[$0] < alphas[$1] || (alphas[$0] == alphas[$1] && $0 < $1) }
            let xs = order.map { alphas[$0] }, ys = order.map { residues[$0] }
            for (a, alpha) in all.enumerated() {
                if xs.count < 2 {
                    // A one-point path (constant training target): its residuals hold for every alpha.
                    let r = ys[0]
                    msePath[a][f] = r.reduce(0) { $0 + $1 * $1 } / Double(max(r.count, 1))
                    continue
                }
                var lo = 0, hi = xs.count
                while lo < hi { let mid = (lo + hi) / 2; if xs[mid] < alpha { lo = mid + 1 } else { hi = mid } }
                let index = min(max(lo, 1), xs.count - 1)
                let xLo = xs[index - 1], xHi = xs[index]
                var total = 0.0
                for t in 0..<ys[index].count {
                    let slope = (ys[index][t] - ys[index - 1][t]) / (xHi - xLo)
                    let v = slope * (alpha - xLo) + ys[index - 1][t]
                    total += v * v
                }
                msePath[a][f] = total / Double(max(ys[index].count, 1))
            }
        }
        var best = -1
        var bestMSE = Double.infinity
        for a in 0..<all.count where msePath[a].allSatisfy({ $0.isFinite }) {
            let mean = msePath[a].reduce(0, +) / Double(msePath[a].count)
            if best < 0 || mean < bestMSE { best = a; bestMSE = mean }
        }
        guard best >= 0 else {
            throw OperatorError.numerical(operator: Self.name, detail: "no finite cross-validated error on the alpha path")
        }
        let data = CenteredData(x, y, fitIntercept: fitIntercept)
        let lars = try path(data, alphaMin: all[best], context: context)
        let coef = lars.coefs[lars.coefs.count - 1]
        var intercept = 0.0
        if fitIntercept {
            intercept = data.yMean
            for j in 0..<d { intercept -= data.xMean[j] * coef[j] }
        }
        try checkFinite(coef + [intercept], operator: Self.name)
        return Fitted(inputColumns: d, coef: coef, intercept: intercept)
    }
}
