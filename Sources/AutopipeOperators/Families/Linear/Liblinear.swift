import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// A dense liblinear problem: the rows of X with liblinear's bias feature appended (value `intercept_scaling`)
/// when fitting an intercept, as scikit-learn's `_fit_liblinear` builds it. The bias weight is regularised like
/// every other weight (liblinear's formulation, which scikit-learn keeps).
struct LiblinearProblem {
    /// Row-major rows x width.
    let x: [Double]
    let rows: Int
    /// Feature count including the bias column.
    let width: Int
    let bias: Double?

    init(_ matrix: Matrix, bias: Double?) {
        let rows = matrix.rows
        self.rows = rows
        if let bias {
            let d = matrix.columns
            width = d + 1
            var values = [Double](repeating: bias, count: rows * (d + 1))
            matrix.values.withUnsafeBufferPointer { src in
                values.withUnsafeMutableBufferPointer { dst in
                    for r in 0..<rows {
                        for c in 0..<d { dst[r * (d + 1) + c] = src[r * d + c] }
                    }
                }
            }
            x = values
        } else {
            width = matrix.columns
            x = matrix.values
        }
        self.bias = bias
    }

    /// Splits a solution into (coef, intercept) the way scikit-learn does: intercept = intercept_scaling * w_bias.
    func split(_ w: [Double]) -> (coef: [Double], intercept: Double) {
        guard let bias else { return (w, 0) }
        return (Array(w[0..<(width - 1)]), bias * w[width - 1])
    }

    /// Per-row squared norms.
    func rowSquaredNorms() -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { xv in
            for r in 0..<rows {
                var s = 0.0
                let base = r * width
                for c in 0..<width { s += xv[base + c] * xv[base + c] }
                out[r] = s
            }
        }
        return out
    }
}

/// The smooth primal objectives liblinear minimises with TRON: 0.5 ||w||^2 + sum_i C_i loss_i(w . x_i).
enum TronLoss {
    /// Logistic loss, y in {-1, +1} (liblinear L2R_LR).
    case logistic
    /// Squared hinge, y in {-1, +1} (L2R_L2LOSS_SVC).
    case squaredHinge
    /// Squared epsilon-insensitive loss for regression (L2R_L2LOSS_SVR), real y.
    case squaredEpsilonInsensitive(epsilon: Double)
}

/// liblinear's trust-region Newton method (tron.cpp) with dense matrix-vector products through BLAS.
final class Tron {
    let problem: LiblinearProblem
    let y: [Double]
    let c: Double
    let loss: TronLoss

    // Work arrays.
    private var z: [Double]
    var dd: [Double]
    /// Rows with a non-zero Hessian weight (squared losses), gathered contiguously, and their weights.
    var active: [Double] = []
    var activeWeight: [Double] = []
    var activeCount = 0
    /// TRON's Hessian products need the active rows gathered; the explicit Newton path does not.
    var gathersActiveRows = true
    /// Newton path: sum of dd_i x_i x_i^T (upper triangle), the weights it holds, updates since a rebuild.
    var hessianBase: [Double] = []
    var hessianWeights: [Double] = []
    var hessianUpdates = 0
    /// X^T X of the problem (with the bias column), when the caller shares it between several problems.
    var sharedGram: [Double]?

    init(problem: LiblinearProblem, y: [Double], c: Double, loss: TronLoss) {
        self.problem = problem
        self.y = y
        self.c = c
        self.loss = loss
        z = [Double](repeating: 0, count: problem.rows)
        dd = [Double](repeating: 0, count: problem.rows)
        if case .logistic = loss {} else {
            active = [Double](repeating: 0, count: problem.rows * problem.width)
            activeWeight = [Double](repeating: 0, count: problem.rows)
        }
    }

    private func xv(_ v: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        problem.x.withUnsafeBufferPointer { xp in
            if let base = xp.baseAddress {
                LinearBLAS.gemv(base, rows: problem.rows, columns: problem.width, v, out)
            }
        }
    }

    private func xtv(_ v: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        problem.x.withUnsafeBufferPointer { xp in
            if let base = xp.baseAddress {
                LinearBLAS.gemvT(base, rows: problem.rows, columns: problem.width, v, out)
            }
        }
    }

    /// The loss part of f at w + t s, given a = X s and `z` for w (no matrix pass).
    func lossAlong(_ t: Double, _ a: [Double]) -> Double {
        let n = problem.rows
        var f = 0.0
        switch loss {
        case .logistic:
            for i in 0..<n {
                let yz = y[i] * (z[i] + t * a[i])
                f += yz >= 0 ? c * log(1 + exp(-yz)) : c * (-yz + log(1 + exp(yz)))
            }
        case .squaredHinge:
            for i in 0..<n {
                let d = 1 - (z[i] + t * y[i] * a[i])
                if d > 0 { f += c * d * d }
            }
        case .squaredEpsilonInsensitive(let p):
            for i in 0..<n {
                let d = z[i] + t * a[i] - y[i]
                if d < -p { f += c * (d + p) * (d + p) } else if d > p { f += c * (d - p) * (d - p) }
            }
        }
        return f
    }

    /// First and second derivatives in t of the loss part at w + t s (squared losses; generalised second
    /// derivative), for an exact line search.
    func lossDerivativesAlong(_ t: Double, _ a: [Double]) -> (Double, Double) {
        let n = problem.rows
        var d1 = 0.0, d2 = 0.0
        switch loss {
        case .logistic:
            for i in 0..<n {
                let yz = y[i] * (z[i] + t * a[i])
                let s = 1 / (1 + exp(yz))            // sigmoid(-yz)
                d1 -= c * s * y[i] * a[i]
                d2 += c * s * (1 - s) * a[i] * a[i]
            }
        case .squaredHinge:
            for i in 0..<n {
                let b = y[i] * a[i]
                let d = 1 - (z[i] + t * b)
                if d > 0 { d1 -= 2 * c * d * b; d2 += 2 * c * b * b }
            }
        case .squaredEpsilonInsensitive(let p):
            for i in 0..<n {
                let d = z[i] + t * a[i] - y[i]
                if d < -p { d1 += 2 * c * (d + p) * a[i]; d2 += 2 * c * a[i] * a[i] }
                else if d > p { d1 += 2 * c * (d - p) * a[i]; d2 += 2 * c * a[i] * a[i] }
            }
        }
        return (d1, d2)
    }

    /// Moves `z` from w to w + t s (a = X s), as `fun(w + t s)` would have left it.
    func advance(_ t: Double, _ a: [Double]) {
        let n = problem.rows
        switch loss {
        case .squaredHinge: for i in 0..<n { z[i] += t * y[i] * a[i] }
        case .logistic, .squaredEpsilonInsensitive: for i in 0..<n { z[i] += t * a[i] }
        }
    }

    /// X v into a new array.
    func multiply(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: problem.rows)
        v.withUnsafeBufferPointer { vp in out.withUnsafeMutableBufferPointer { xv(vp.baseAddress!, $0.baseAddress!) } }
        return out
    }

    /// f(w); leaves X w (or the margins) in `z` for `grad`.
    func fun(_ w: UnsafePointer<Double>) -> Double {
        let n = problem.rows, width = problem.width
        var f = 0.0
        for i in 0..<width { f += w[i] * w[i] }
        f /= 2
        z.withUnsafeMutableBufferPointer { zp in
            guard let zb = zp.baseAddress else { return }
            xv(w, zb)
            switch loss {
            case .logistic:
                for i in 0..<n {
                    let yz = y[i] * zp[i]
                    f += yz >= 0 ? c * log(1 + exp(-yz)) : c * (-yz + log(1 + exp(yz)))
                }
            case .squaredHinge:
                for i in 0..<n {
                    zp[i] = y[i] * zp[i]
                    let d = 1 - zp[i]
                    if d > 0 { f += c * d * d }
                }
            case .squaredEpsilonInsensitive(let p):
                for i in 0..<n {
                    let d = zp[i] - y[i]
                    if d < -p { f += c * (d + p) * (d + p) } else if d > p { f += c * (d - p) * (d - p) }
                }
            }
        }
        return f
    }

    /// Gradient at the w last passed to `fun`; sets the Hessian weights `dd` (0 where a squared loss is flat).
    func grad(_ w: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) {
        let n = problem.rows, width = problem.width
        var coefficient = [Double](repeating: 0, count: n)
        var factor = 1.0
        switch loss {
        case .logistic:
            for i in 0..<n {
                let s = 1 / (1 + exp(-y[i] * z[i]))
                dd[i] = c * s * (1 - s)
                coefficient[i] = c * (s - 1) * y[i]
            }
        case .squaredHinge:
            factor = 2
            for i in 0..<n {
                if z[i] < 1 {
                    coefficient[i] = c * y[i] * (z[i] - 1)
                    dd[i] = c
                } else {
                    coefficient[i] = 0
                    dd[i] = 0
                }
            }
        case .squaredEpsilonInsensitive(let p):
            factor = 2
            for i in 0..<n {
                let d = z[i] - y[i]
                if d < -p { coefficient[i] = c * (d + p); dd[i] = c }
                else if d > p { coefficient[i] = c * (d - p); dd[i] = c }
                else { coefficient[i] = 0; dd[i] = 0 }
            }
        }
        if factor == 2 && gathersActiveRows {
            // Only the active rows have a non-zero coefficient: gather them and multiply the subset.
            gatherActiveRows()
            let m = activeCount
            var packed = [Double](repeating: 0, count: max(m, 1))
            var j = 0
            for i in 0..<n where dd[i] != 0 { packed[j] = coefficient[i]; j += 1 }
            if m == 0 {
                for i in 0..<width { g[i] = 0 }
            } else {
                active.withUnsafeBufferPointer { ap in
                    packed.withUnsafeBufferPointer { pp in
                        if let a = ap.baseAddress, let p = pp.baseAddress {
                            LinearBLAS.gemvT(a, rows: m, columns: width, p, g)
                        }
                    }
                }
            }
        } else {
            coefficient.withUnsafeBufferPointer { cp in
                if let cb = cp.baseAddress { xtv(cb, g) }
            }
        }
        for i in 0..<width { g[i] = w[i] + factor * g[i] }
    }

    /// Hessian (generalised, for the squared losses) times s. For the squared losses only the rows with a
    /// non-zero weight (liblinear's index set I) take part; they were gathered by `grad`.
    func hv(_ s: UnsafePointer<Double>, _ hs: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let width = problem.width
        let factor: Double
        switch loss {
        case .logistic:
            factor = 1
            let n = problem.rows
            xv(s, scratch)
            for i in 0..<n { scratch[i] *= dd[i] }
            xtv(UnsafePointer(scratch), hs)
        case .squaredHinge, .squaredEpsilonInsensitive:
            factor = 2
            let m = activeCount
            if m == 0 {
                for i in 0..<width { hs[i] = 0 }
            } else {
                active.withUnsafeBufferPointer { ap in
                    guard let a = ap.baseAddress else { return }
                    LinearBLAS.gemv(a, rows: m, columns: width, s, scratch)
                    for i in 0..<m { scratch[i] *= activeWeight[i] }
                    LinearBLAS.gemvT(a, rows: m, columns: width, UnsafePointer(scratch), hs)
                }
            }
        }
        for i in 0..<width { hs[i] = s[i] + factor * hs[i] }
    }

    /// Copies the rows with a non-zero Hessian weight into `active` (row-major) with their weights.
    private func gatherActiveRows() {
        let n = problem.rows, width = problem.width
        var m = 0
        problem.x.withUnsafeBufferPointer { xp in
            active.withUnsafeMutableBufferPointer { ap in
                for i in 0..<n where dd[i] != 0 {
                    let src = i * width, dst = m * width
                    for c in 0..<width { ap[dst + c] = xp[src + c] }
                    activeWeight[m] = dd[i]
                    m += 1
                }
            }
        }
        activeCount = m
    }

    /// Minimises from w = 0; stops when ||g|| <= eps ||g(0)|| or after `maxIter` Newton iterations (returning
    /// the current iterate, as liblinear does).
    func minimize(eps: Double, maxIter: Int, context: FitContext) throws -> [Double] {
        let width = problem.width
        if width <= Self.newtonWidthLimit {
            return try minimizeNewton(eps: eps, maxIter: maxIter, context: context)
        }
        let eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75
        let sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4.0
        var w = [Double](repeating: 0, count: width)
        var s = [Double](repeating: 0, count: width)
        var r = [Double](repeating: 0, count: width)
        var wNew = [Double](repeating: 0, count: width)
        var g = [Double](repeating: 0, count: width)
        var d = [Double](repeating: 0, count: width)
        var hd = [Double](repeating: 0, count: width)
        var scratch = [Double](repeating: 0, count: max(problem.rows, 1))
        var f = w.withUnsafeBufferPointer { fun($0.baseAddress!) }
        w.withUnsafeBufferPointer { wp in g.withUnsafeMutableBufferPointer { grad(wp.baseAddress!, $0.baseAddress!) } }
        var delta = norm(g)
        let gnorm1 = delta
        var search = gnorm1 > eps * gnorm1
        var iter = 1
        while iter <= maxIter && search {
            try context.check()
            // Truncated conjugate gradient inside the trust region.
            for i in 0..<width { s[i] = 0; r[i] = -g[i]; d[i] = r[i] }
            let cgtol = 0.1 * norm(g)
            var rTr = dot(r, r)
            var cgIterations = 0
            while norm(r) > cgtol && cgIterations < 10 * width + 100 {
                cgIterations += 1
                try context.check()
                d.withUnsafeBufferPointer { dp in
                    hd.withUnsafeMutableBufferPointer { hp in
                        scratch.withUnsafeMutableBufferPointer { sp in hv(dp.baseAddress!, hp.baseAddress!, scratch: sp.baseAddress!) }
                    }
                }
                let dHd = dot(d, hd)
                if !(dHd > 0) { break }
                var alpha = rTr / dHd
                for i in 0..<width { s[i] += alpha * d[i] }
                if norm(s) > delta {
                    alpha = -alpha
                    for i in 0..<width { s[i] += alpha * d[i] }
                    let std = dot(s, d), sts = dot(s, s), dtd = dot(d, d)
                    let dsq = delta * delta
                    let rad = (std * std + dtd * (dsq - sts)).squareRoot()
                    alpha = std >= 0 ? (dsq - sts) / (std + rad) : (rad - std) / dtd
                    for i in 0..<width { s[i] += alpha * d[i] }
                    for i in 0..<width { r[i] -= alpha * hd[i] }
                    break
                }
                for i in 0..<width { r[i] -= alpha * hd[i] }
                let rnew = dot(r, r)
                let beta = rnew / rTr
                for i in 0..<width { d[i] = r[i] + beta * d[i] }
                rTr = rnew
            }
            for i in 0..<width { wNew[i] = w[i] + s[i] }
            let gs = dot(g, s)
            let prered = -0.5 * (gs - dot(s, r))
            let fnew = wNew.withUnsafeBufferPointer { fun($0.baseAddress!) }
            let actred = f - fnew
            let snorm = norm(s)
            if iter == 1 { delta = min(delta, snorm) }
            let alpha = fnew - f - gs <= 0 ? sigma3 : max(sigma1, -0.5 * (gs / (fnew - f - gs)))
            if actred < eta0 * prered { delta = min(max(alpha, sigma1) * snorm, sigma2 * delta) }
            else if actred < eta1 * prered { delta = max(sigma1 * delta, min(alpha * snorm, sigma2 * delta)) }
            else if actred < eta2 * prered { delta = max(sigma1 * delta, min(alpha * snorm, sigma3 * delta)) }
            else { delta = max(delta, min(alpha * snorm, sigma3 * delta)) }
            if actred > eta0 * prered {
                iter += 1
                w = wNew
                f = fnew
                // `z` holds the margins of wNew (the last `fun` call).
                w.withUnsafeBufferPointer { wp in g.withUnsafeMutableBufferPointer { grad(wp.baseAddress!, $0.baseAddress!) } }
                if norm(g) <= eps * gnorm1 { search = false; break }
            }
            // On a rejected step the Hessian weights (set by `grad`) still belong to w, as in liblinear.
            if f < -1.0e32 { break }
            if abs(actred) <= 0 && prered <= 0 { break }
            if abs(actred) <= 1.0e-12 * abs(f) && abs(prered) <= 1.0e-12 * abs(f) { break }
            if !delta.isFinite || delta <= 0 { break }
        }
        return w
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
