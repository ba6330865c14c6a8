import AutopipeData

/// Ridge regression with the penalty chosen among alphas (0.1, 1, 10) by efficient leave-one-out cross-validation,
/// as scikit-learn 1.5's `RidgeCV` with its defaults (`cv=None`, `scoring=None`: generalised cross-validation,
/// mean squared LOO error). One thin SVD of the centred X (LAPACK dgesdd) gives every alpha's LOO residuals
/// (y_i - yhat_i) / (1 - H_ii) and coefficients; this is scikit-learn's 'svd' mode, and equals its 'eigen' mode
/// (which decomposes X X^T) up to round-off, so `gcv_mode` is accepted but both use the SVD. The intercept is
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
        let (s, u, vt) = try LinearBLAS.thinSVD(data.x, rows: n, columns: d)
        let k = s.count
        // U^T y
        var uty = [Double](repeating: 0, count: k)
        u.withUnsafeBufferPointer { ub in
            data.y.withUnsafeBufferPointer { yb in
                uty.withUnsafeMutableBufferPointer { ob in
                    if let up = ub.baseAddress, let yp = yb.baseAddress, let op = ob.baseAddress {
                        LinearBLAS.gemvT(up, rows: n, columns: k, yp, op)
                    }
                }
            }
        }
        try context.check()
        let interceptLeverage = fitIntercept ? 1 / Double(n) : 0
        var bestAlpha = Self.alphas[0]
        var bestScore = -Double.infinity
        var first = true
        var shrink = [Double](repeating: 0, count: k)
        for alpha in Self.alphas {
            for j in 0..<k { shrink[j] = s[j] * s[j] / (s[j] * s[j] + alpha) }
            var total = 0.0
            u.withUnsafeBufferPointer { up in
                for i in 0..<n {
                    var fitted = 0.0, leverage = interceptLeverage
                    let base = i * k
                    for j in 0..<k {
                        let uij = up[base + j]
                        fitted += uij * shrink[j] * uty[j]
                        leverage += uij * uij * shrink[j]
                    }
                    let e = (data.y[i] - fitted) / (1 - leverage)
                    total += e * e
                }
            }
            let score = -total / Double(n)
            if first || score > bestScore {
                bestScore = score
                bestAlpha = alpha
                first = false
            }
        }
        // coef = V diag(s / (s^2 + alpha)) U^T y
        var coef = [Double](repeating: 0, count: d)
        for j in 0..<k {
            let factor = s[j] / (s[j] * s[j] + bestAlpha) * uty[j]
            if factor == 0 { continue }
            for c in 0..<d { coef[c] += vt[j * d + c] * factor }
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
