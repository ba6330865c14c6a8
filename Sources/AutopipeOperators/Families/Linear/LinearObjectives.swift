import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Smooth objectives (value and gradient) of the linear classifiers, evaluated with BLAS over a row-major X.
/// Parameters are laid out as `functions` rows of `stride` = columns (+ 1 when an intercept is fitted; the
/// intercept is the last entry of each row).
final class LinearObjective {
    enum Loss {
        /// Softmax cross-entropy over `functions` classes (labels 0..<functions).
        case multinomial
        /// Binary logistic loss, labels +1 / -1 (one function).
        case logistic
        /// Squared hinge max(0, 1 - y z)^2, labels +1 / -1 (one function).
        case squaredHinge
    }

    let x: [Double]
    let rows: Int
    let columns: Int
    let functions: Int
    let fitIntercept: Bool
    /// Multiplies the summed loss (1 / n for scikit-learn's lbfgs scaling, C for liblinear's).
    let lossScale: Double
    /// L2 strength on the coefficients (0.5 * l2 * ||coef||^2); the intercept is penalised only when
    /// `penalizeIntercept`.
    let l2: Double
    let penalizeIntercept: Bool
    let loss: Loss
    /// Class index (multinomial) or +1 / -1 sign (binary losses) per row.
    let labels: [Int]
    let signs: [Double]
    private var z: [Double]

    var stride: Int { columns + (fitIntercept ? 1 : 0) }
    var parameterCount: Int { functions * stride }

    init(x: Matrix, loss: Loss, functions: Int, labels: [Int] = [], signs: [Double] = [], fitIntercept: Bool,
         lossScale: Double, l2: Double, penalizeIntercept: Bool = false) {
        self.x = x.values
        rows = x.rows
        columns = x.columns
        self.functions = functions
        self.loss = loss
        self.labels = labels
        self.signs = signs
        self.fitIntercept = fitIntercept
        self.lossScale = lossScale
        self.l2 = l2
        self.penalizeIntercept = penalizeIntercept
        z = [Double](repeating: 0, count: x.rows * functions)
    }

    /// f(w) and its gradient.
    func evaluate(_ w: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        let n = rows, d = columns, k = functions, p = stride
        var f = 0.0
        x.withUnsafeBufferPointer { xb in
            z.withUnsafeMutableBufferPointer { zb in
                guard let xp = xb.baseAddress, let zp = zb.baseAddress else { return }
                // Z = X W^T + b
                if fitIntercept {
                    for i in 0..<n { for j in 0..<k { zp[i * k + j] = w[j * p + d] } }
                }
                LinearBLAS.gemm(transA: false, transB: true, m: n, n: k, k: d, xp, lda: d, w, ldb: p,
                                beta: fitIntercept ? 1 : 0, zp, ldc: k)
                // Loss and residuals (written over Z).
                var total = 0.0
                switch loss {
                case .multinomial:
                    for i in 0..<n {
                        let base = i * k
                        var top = -Double.infinity
                        for j in 0..<k { top = max(top, zp[base + j]) }
                        var sum = 0.0
                        for j in 0..<k { sum += exp(zp[base + j] - top) }
                        let lse = top + log(sum)
                        let yi = labels[i]
                        total += lse - zp[base + yi]
                        for j in 0..<k { zp[base + j] = exp(zp[base + j] - lse) }
                        zp[base + yi] -= 1
                    }
                case .logistic:
                    for i in 0..<n {
                        let yz = signs[i] * zp[i]
                        // log(1 + exp(-yz)), stably.
                        total += yz >= 0 ? log1p(exp(-yz)) : -yz + log1p(exp(yz))
                        // d/dz = -y * sigmoid(-yz)
                        let s = yz >= 0 ? exp(-yz) / (1 + exp(-yz)) : 1 / (1 + exp(yz))
                        zp[i] = -signs[i] * s
                    }
                case .squaredHinge:
                    for i in 0..<n {
                        let margin = 1 - signs[i] * zp[i]
                        if margin > 0 {
                            total += margin * margin
                            zp[i] = -2 * signs[i] * margin
                        } else {
                            zp[i] = 0
                        }
                    }
                }
                f = lossScale * total
                // Gradient: scale * R^T X (+ l2 W), intercept: scale * column sums of R.
                LinearBLAS.gemm(transA: true, transB: false, m: k, n: d, k: n, alpha: lossScale, zp, lda: k, xp,
                                ldb: d, beta: 0, g, ldc: p)
                if fitIntercept {
                    for j in 0..<k {
                        var s = 0.0
                        for i in 0..<n { s += zp[i * k + j] }
                        g[j * p + d] = lossScale * s
                    }
                }
            }
        }
        if l2 > 0 {
            var norm = 0.0
            for j in 0..<k {
                for c in 0..<d {
                    let v = w[j * p + c]
                    norm += v * v
                    g[j * p + c] += l2 * v
                }
                if fitIntercept && penalizeIntercept {
                    let v = w[j * p + d]
                    norm += v * v
                    g[j * p + d] += l2 * v
                }
            }
            f += 0.5 * l2 * norm
        }
        return f
    }

    /// Splits parameters into row-major coefficients (functions x columns) and intercepts.
    func split(_ w: [Double], interceptScale: Double = 1) -> (coef: [Double], intercept: [Double]) {
        let d = columns, p = stride
        var coef = [Double](repeating: 0, count: functions * d)
        var intercept = [Double](repeating: 0, count: functions)
        for j in 0..<functions {
            for c in 0..<d { coef[j * d + c] = w[j * p + c] }
            if fitIntercept { intercept[j] = interceptScale * w[j * p + d] }
        }
        return (coef, intercept)
    }
}
