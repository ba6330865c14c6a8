import AutopipeData

/// Ridge regression with the penalty chosen among alphas (0.1, 1, 10) by efficient leave-one-out cross-validation,
/// as scikit-learn 1.5's `RidgeCV` with its defaults (`cv=None`, `scoring=None`: generalised cross-validation,
/// mean squared LOO error). One decomposition of the centred X gives every alpha's LOO residuals
/// (y_i - yhat_i) / (1 - H_ii) and coefficients: the eigendecomposition of X^T X for tall X (more than twice as
/// many rows as columns), else the thin SVD (LAPACK dgesdd). scikit-learn's 'svd' and 'eigen' modes compute the
/// same quantities (up to round-off), so `gcv_mode` is accepted but does not change the method. The intercept is
/// unpenalised (centring). Ties go to the first alpha, as scikit-learn. Not supported: other `alphas`, `cv`,
/// `scoring`, `alpha_per_target` (autopipe targets are single columns).
public struct RidgeCV: Regressor {
    public static let name = "RidgeCV"
    public static let role = OperatorRole.regressor
    public static let summary = "Ridge regression with alpha in (0.1, 1, 10) chosen by leave-one-out cross-validation."
    public static let alphas: [Double] = [0.1, 1.0, 10.0]
    public static let space = ParameterSpace([
        .boolean("fit_intercept", default: true, grid: []),
        .choice("gcv_mode", ["auto", "svd", "eigen"], default: nil, grid: []),
    ])

    public let parameters: Parameters
    let fitIntercept: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        fitIntercept = parameters.bool("fit_intercept")
    }

    public typealias Fitted = FittedLinearRegressor

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        let data = CenteredData(x, y, fitIntercept: fitIntercept)
        // A basis of X's column space: for tall X, the eigenvectors V of X^T X with B = X V and weights
        // 1 / (lambda + alpha) (one syrk and a d x d eigendecomposition); otherwise the thin SVD, B = U S with
        // lambda = s^2. Either way yhat = B diag(1 / (lambda + alpha)) B^T y, leverage_ii = sum_j B_ij^2 /
        // (lambda_j + alpha) (+ 1/n for the intercept), coef = V diag(1 / (lambda + alpha)) B^T y.
        var basis: [Double], lambda: [Double], v: [Double]   // basis n x k, v row-major d x k
        let k: Int
        if n > 2 * d {
            let gram = data.x.withUnsafeBufferPointer { LinearBLAS.gram($0.baseAddress!, rows: n, columns: d) }
            let eigen = try BLAS.symmetricEigen(Matrix(rows: d, columns: d, values: gram))
            k = d
            lambda = eigen.values.map { max($0, 0) }
            v = eigen.vectors.values
            basis = [Double](repeating: 0, count: n * d)
            data.x.withUnsafeBufferPointer { xb in
                v.withUnsafeBufferPointer { vb in
                    basis.withUnsafeMutableBufferPointer { bb in
                        if let xp = xb.baseAddress, let vp = vb.baseAddress, let bp = bb.baseAddress {
                            LinearBLAS.gemm(transA: false, transB: false, m: n, n: d, k: d, xp, lda: d, vp, ldb: d,
                                            bp, ldc: d)
                        }
                    }
                }
            }
        } else {
            let (s, u, vt) = try LinearBLAS.thinSVD(data.x, rows: n, columns: d)
            k = s.count
            lambda = s.map { $0 * $0 }
            basis = u
            for i in 0..<n { for j in 0..<k { basis[i * k + j] *= s[j] } }
            v = [Double](repeating: 0, count: d * k)
            for j in 0..<k { for c in 0..<d { v[c * k + j] = vt[j * d + c] } }
        }
        // B^T y
        var bty = [Double](repeating: 0, count: k)
        basis.withUnsafeBufferPointer { bb in
            data.y.withUnsafeBufferPointer { yb in
                bty.withUnsafeMutableBufferPointer { ob in
                    if let bp = bb.baseAddress, let yp = yb.baseAddress, let op = ob.baseAddress {
                        LinearBLAS.gemvT(bp, rows: n, columns: k, yp, op)
                    }
                }
            }
        }
        try context.check()
        let interceptLeverage = fitIntercept ? 1 / Double(n) : 0
        var bestAlpha = Self.alphas[0]
        var bestScore = -Double.infinity
        var first = true
        var weight = [Double](repeating: 0, count: k), weightedBty = [Double](repeating: 0, count: k)
        for alpha in Self.alphas {
            for j in 0..<k { weight[j] = 1 / (lambda[j] + alpha); weightedBty[j] = weight[j] * bty[j] }
            var total = 0.0
            basis.withUnsafeBufferPointer { bp in
                data.y.withUnsafeBufferPointer { yp in
                    for i in 0..<n {
                        var fitted = 0.0, leverage = interceptLeverage
                        let base = i * k
                        for j in 0..<k {
                            let bij = bp[base + j]
                            fitted += bij * weightedBty[j]
                            leverage += bij * bij * weight[j]
                        }
                        let e = (yp[i] - fitted) / (1 - leverage)
                        total += e * e
                    }
                }
            }
            let score = -total / Double(n)
            if first || score > bestScore {
                bestScore = score
                bestAlpha = alpha
                first = false
            }
        }
        var coef = [Double](repeating: 0, count: d)
        for j in 0..<k {
            let factor = bty[j] / (lambda[j] + bestAlpha)
            if factor == 0 { continue }
            for c in 0..<d { coef[c] += v[c * k + j] * factor }
        }
        var intercept = 0.0
        if fitIntercept {
            intercept = data.yMean
            for c in 0..<d { intercept -= data.xMean[c] * coef[c] }
        }
        try checkFinite(coef + [intercept], operator: Self.name)
        return Fitted(inputColumns: d, coef: coef, intercept: intercept)
    }
}
