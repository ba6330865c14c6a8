import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Smooth objectives (value and gradient) of the linear classifiers, evaluated with BLAS over a row-major X, or
/// for the multinomial loss with few classes and columns (digits: 10 x 65) in one fused pass (`FusedMultinomial`:
/// the same sums in another order, so the last bits differ from the dgemm path).
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

    /// X, with a trailing column of ones when an intercept is fitted (so the intercept rides in the products:
    /// row stride `stride`, the same layout as the parameters).
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
    /// Scratch: decision values, then loss derivatives (rows x functions).
    private var z: [Double]
    /// Scratch (multinomial): each row's label's decision value minus the row's largest.
    private var rowLabel: [Double]
    /// The one-pass multinomial kernel (few classes and columns; nil: two dgemm calls) and its scratch.
    private let fused: FusedMultinomial?
    private var fusedScratch: [Double]

    var stride: Int { columns + (fitIntercept ? 1 : 0) }
    var parameterCount: Int { functions * stride }

    init(x: Matrix, loss: Loss, functions: Int, labels: [Int] = [], signs: [Double] = [], fitIntercept: Bool,
         lossScale: Double, l2: Double, penalizeIntercept: Bool = false, fusedLevel: Int32 = 2) {
        if fitIntercept {
            let n = x.rows, d = x.columns, p = d + 1
            var augmented = [Double](repeating: 1, count: n * p)
            augmented.withUnsafeMutableBufferPointer { a in
                x.values.withUnsafeBufferPointer { v in
                    for i in 0..<n { for c in 0..<d { a[i * p + c] = v[i * d + c] } }
                }
            }
            self.x = augmented
        } else {
            self.x = x.values
        }
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
        let stride = x.columns + (fitIntercept ? 1 : 0)
        let fused = loss == .multinomial && fusedLevel > 0
            ? FusedMultinomial(classes: functions, stride: stride, maxLevel: fusedLevel) : nil
        self.fused = fused
        fusedScratch = [Double](repeating: 0, count: fused?.scratchCount ?? 0)
        z = [Double](repeating: 0, count: fused == nil ? x.rows * functions : 0)
        rowLabel = [Double](repeating: 0, count: loss == .multinomial && fused == nil ? x.rows : 0)
    }

    /// f(w) and its gradient.
    func evaluate(_ w: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        let n = rows, d = columns, k = functions, p = stride
        var f = 0.0
        if let fused {
            f = x.withUnsafeBufferPointer { xb in
                labels.withUnsafeBufferPointer { lb in
                    fusedScratch.withUnsafeMutableBufferPointer { sb in
                        guard let xp = xb.baseAddress, let lp = lb.baseAddress, let sp = sb.baseAddress else {
                            return 0
                        }
                        return lossScale * fused.evaluate(x: xp, rows: n, labels: lp, w: w, g: g, scale: lossScale,
                                                          scratch: sp)
                    }
                }
            }
        } else {
            x.withUnsafeBufferPointer { xb in
                z.withUnsafeMutableBufferPointer { zb in
                    guard let xp = xb.baseAddress, let zp = zb.baseAddress else { return }
                    // Z = [X 1] W^T
                    if k == 1 {
                        LinearBLAS.gemv(xp, rows: n, columns: p, w, zp)
                    } else {
                        LinearBLAS.gemm(transA: false, transB: true, m: n, n: k, k: p, xp, lda: p, w, ldb: p,
                                        beta: 0, zp, ldc: k)
                    }
                    // Loss and residuals (written over Z).
                    var total = 0.0
                    switch loss {
                    case .multinomial:
                        total = multinomialResiduals(zp)
                    case .logistic:
                        signs.withUnsafeBufferPointer { sp in
                            for i in 0..<n {
                                let yz = sp[i] * zp[i]
                                // log(1 + exp(-yz)) and d/dz = -y * sigmoid(-yz), stably, with one exp.
                                let e = exp(-abs(yz))
                                total += yz >= 0 ? log1p(e) : -yz + log1p(e)
                                let s = yz >= 0 ? e / (1 + e) : 1 / (1 + e)
                                zp[i] = -sp[i] * s
                            }
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
                    // Gradient: scale * R^T [X 1] (+ l2 W); the last column gives the intercepts' column sums of R.
                    if k == 1 {
                        LinearBLAS.gemvT(xp, rows: n, columns: p, zp, g, alpha: lossScale)
                    } else {
                        LinearBLAS.gemm(transA: true, transB: false, m: k, n: p, k: n, alpha: lossScale, zp, lda: k, xp,
                                        ldb: p, beta: 0, g, ldc: p)
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

    /// Softmax cross-entropy: returns the summed loss and overwrites Z (rows x functions) with softmax - onehot.
    /// One exp per entry: the shifted values z - max are exponentiated in one flat pass.
    private func multinomialResiduals(_ zp: UnsafeMutablePointer<Double>) -> Double {
        let n = rows, k = functions
        var total = 0.0
        labels.withUnsafeBufferPointer { lb in
            rowLabel.withUnsafeMutableBufferPointer { yb in
                    for i in 0..<n {
                        let row = zp + i * k
                        var top = -Double.infinity
                        for j in 0..<k { top = max(top, row[j]) }
                        for j in 0..<k { row[j] -= top }
                        yb[i] = row[lb[i]]
                    }
                    exponentiate(zp, count: n * k)
                    for i in 0..<n {
                        let row = zp + i * k
                        var sum = 0.0
                        for j in 0..<k { sum += row[j] }
                        // loss = logsumexp(z) - z_y = log(sum) - (z_y - top)
                        total += log(sum) - yb[i]
                        let inverse = 1 / sum
                        for j in 0..<k { row[j] *= inverse }
                        row[lb[i]] -= 1
                    }
            }
        }
        return total
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

/// In-place exp over `count` entries, eight at a time with `exp8` (the tail with libm's exp).
@inline(__always)
func exponentiate(_ v: UnsafeMutablePointer<Double>, count: Int) {
    let raw = UnsafeMutableRawPointer(v)
    var i = 0
    while i &+ 8 <= count {
        let x = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self)
        raw.storeBytes(of: exp8(x), toByteOffset: i &* 8, as: SIMD8<Double>.self)
        i &+= 8
    }
    while i < count { v[i] = exp(v[i]); i &+= 1 }
}

/// exp of eight values at once, within about 1 ulp of libm's for x >= -708 (the softmax's shifted decision values
/// are <= 0); 0 below -708 (where exp is subnormal or 0). NaN and +inf are not expected (the inputs are finite
/// differences to a row maximum). Cody-Waite reduction x = k ln2 + r, |r| <= ln2 / 2, and the degree-13 Taylor
/// polynomial of exp(r) (truncation error below 1e-17 relative), scaled by 2^k through the exponent bits.
@inline(__always)
func exp8(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let low = SIMD8<Double>(repeating: -708)
    let clamped = x.replacing(with: low, where: x .< low)
    // Adding 1.5 * 2^52 rounds to an integer k held in the low mantissa bits of t.
    let magic = SIMD8<Double>(repeating: 6_755_399_441_055_744)
    let t = clamped * 1.4426950408889634 + magic
    let k = t - magic
    let r = (clamped - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
    var p = SIMD8<Double>(repeating: 1.0 / 6_227_020_800)
    p = p * r + 1.0 / 479_001_600
    p = p * r + 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40_320
    p = p * r + 1.0 / 5_040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2^k: k + 1023 in the exponent field (k >= -1021 after the clamp).
    let bits = unsafeBitCast(t, to: SIMD8<UInt64>.self)
    let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD8<Double>.self)
    return (p * scale).replacing(with: 0, where: x .< low)
}
