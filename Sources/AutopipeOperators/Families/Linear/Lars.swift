import AutopipeData
import COpenBLAS

/// scikit-learn's LARS path with the lasso modification (`_lars_path_solver`, Gram variant, `return_path=True`),
/// replicated operation by operation: the permutation of variables, the Cholesky factor grown by forward
/// substitution and shrunk by Givens rotations (`cholesky_delete`), the equiangular step with correlations rounded
/// to 15 decimals, sign-change drops, the degenerate-regressor and increasing-alpha bail-outs, and the final
/// interpolation at `alphaMin`.
struct LarsPath {
    /// alphas[k] and the coefficients (original feature order) at each breakpoint.
    var alphas: [Double]
    var coefs: [[Double]]

    static let tiny32 = Double(Float.leastNormalMagnitude)
    static let equalityTolerance = Double(Float.ulpOfOne)

    /// `gram` = X^T X (row-major p x p), `xy` = X^T y, both on centred data.
    static func compute(gram: [Double], xy: [Double], samples nSamples: Int, maxIter: Int, alphaMin: Double,
                        eps: Double, positive: Bool, context: FitContext) throws -> LarsPath {
        let p = xy.count
        let maxFeatures = min(maxIter, p)
        var cov = xy                       // correlations of the inactive variables, in `indices[nActive...]` order
        var indices = Array(0..<p)
        var active: [Int] = []
        var signActive = [Double](repeating: 0, count: max(maxFeatures, 1))
        let stride = max(maxFeatures, 1)
        var l = [Double](repeating: 0, count: stride * stride)
        var alphas: [Double] = [0]
        var coefs: [[Double]] = [[Double](repeating: 0, count: p)]
        var nIter = 0, nActive = 0
        var drop = false
        @inline(__always) func g(_ a: Int, _ b: Int) -> Double { gram[indices[a] * p + indices[b]] }

        while true {
            try context.check()
            var c = 0.0, cIdx = 0, cSigned = 0.0
            if !cov.isEmpty {
                var best = -Double.infinity
                for (j, v) in cov.enumerated() {
                    let key = positive ? v : abs(v)
                    if key > best { best = key; cIdx = j }
                }
                cSigned = cov[cIdx]
                c = positive ? cSigned : abs(cSigned)
            }
            if alphas.count <= nIter { alphas.append(0); coefs.append([Double](repeating: 0, count: p)) }
            alphas[nIter] = c / Double(nSamples)
            if alphas[nIter] <= alphaMin + equalityTolerance {
                if abs(alphas[nIter] - alphaMin) > equalityTolerance {
                    if nIter > 0 {
                        let ss = (alphas[nIter - 1] - alphaMin) / (alphas[nIter - 1] - alphas[nIter])
                        for j in 0..<p { coefs[nIter][j] = coefs[nIter - 1][j] + ss * (coefs[nIter][j] - coefs[nIter - 1][j]) }
                    }
                    alphas[nIter] = alphaMin
                }
                break
            }
            if nIter >= maxIter || nActive >= p { break }
            if !drop {
                while signActive.count <= nActive { signActive.append(0) }
                signActive[nActive] = positive ? 1 : (cSigned > 0 ? 1 : (cSigned < 0 ? -1 : 0))
                let m = nActive, n = cIdx + nActive
                cov.swapAt(cIdx, 0)
                indices.swapAt(n, m)
                let covNotShortened = cov
                cov.removeFirst()
                let cc = g(nActive, nActive)
                for i in 0..<nActive { l[nActive * stride + i] = g(nActive, i) }
                // Forward substitution: L[:n, :n] w = L[n, :n]
                for i in 0..<nActive {
                    var v = l[nActive * stride + i]
                    for k in 0..<i { v -= l[i * stride + k] * l[nActive * stride + k] }
                    l[nActive * stride + i] = v / l[i * stride + i]
                }
                var v = 0.0
                for i in 0..<nActive { v += l[nActive * stride + i] * l[nActive * stride + i] }
                let diag = max(abs(cc - v).squareRoot(), eps)
                l[nActive * stride + nActive] = diag
                if diag < 1e-7 {
                    // Degenerate regressor: scikit-learn zeroes its correlation and retries.
                    cov = covNotShortened
                    cov[0] = 0
                    cov.swapAt(cIdx, 0)
                    continue
                }
                active.append(indices[nActive])
                nActive += 1
            }
            if nIter > 0 && alphas[nIter - 1] < alphas[nIter] { break }   // alpha increasing: bail out
            // least_squares = (L L^T)^-1 sign_active
            var leastSquares = choleskySolve(l, stride: stride, n: nActive, Array(signActive[0..<nActive]))
            var aa: Double
            if leastSquares.count == 1 && leastSquares[0] == 0 {
                leastSquares[0] = 1
                aa = 1
            } else {
                var dotSign = 0.0
                for i in 0..<nActive { dotSign += leastSquares[i] * signActive[i] }
                aa = 1 / dotSign.squareRoot()
                if !aa.isFinite {
                    var power = 0.0
                    var lReg = l
                    while !aa.isFinite {
                        for i in 0..<nActive { lReg[i * stride + i] += pow2(power) * eps }
                        leastSquares = choleskySolve(lReg, stride: stride, n: nActive, Array(signActive[0..<nActive]))
                        var t = 0.0
                        for i in 0..<nActive { t += leastSquares[i] * signActive[i] }
                        aa = 1 / max(t, eps).squareRoot()
                        power += 1
                    }
                }
                for i in 0..<nActive { leastSquares[i] *= aa }
            }
            // Correlation of each inactive variable with the equiangular direction, rounded to 15 decimals.
            let inactiveCount = p - nActive
            var corrEqDir = [Double](repeating: 0, count: inactiveCount)
            for j in 0..<inactiveCount {
                var s = 0.0
                for i in 0..<nActive { s += g(i, nActive + j) * leastSquares[i] }
                corrEqDir[j] = roundDecimals(s, 15)
            }
            var g1 = Double.greatestFiniteMagnitude, g2 = Double.greatestFiniteMagnitude
            for j in 0..<inactiveCount {
                let a = (c - cov[j]) / (aa - corrEqDir[j] + tiny32)
                if a > 0 && a < g1 { g1 = a }
                if !positive {
                    let b = (c + cov[j]) / (aa + corrEqDir[j] + tiny32)
                    if b > 0 && b < g2 { g2 = b }
                }
            }
            var gamma = positive ? min(g1, c / aa) : min(g1, g2, c / aa)
            drop = false
            var z = [Double](repeating: 0, count: nActive)
            var zPos = Double.greatestFiniteMagnitude
            for i in 0..<nActive {
                z[i] = -coefs[nIter][active[i]] / (leastSquares[i] + tiny32)
                if z[i] > 0 && z[i] < zPos { zPos = z[i] }
            }
            var dropPositions: [Int] = []
            if zPos < gamma {
                dropPositions = (0..<nActive).filter { z[$0] == zPos }.reversed()
                for i in dropPositions { signActive[i] = -signActive[i] }
                gamma = zPos
                drop = true
            }
            nIter += 1
            if alphas.count <= nIter { alphas.append(0); coefs.append([Double](repeating: 0, count: p)) }
            for (i, feature) in active.enumerated() {
                coefs[nIter][feature] = coefs[nIter - 1][feature] + gamma * leastSquares[i]
            }
            for j in 0..<inactiveCount { cov[j] -= gamma * corrEqDir[j] }
            if drop {
                for i in dropPositions { choleskyDelete(&l, stride: stride, n: nActive, goOut: i) }
                nActive -= 1
                var dropped: [Int] = []
                for i in dropPositions { dropped.append(active.remove(at: i)) }
                for i0 in dropPositions {
                    for i in i0..<nActive { indices.swapAt(i, i + 1) }
                }
                var temp: [Double] = []
                for f in dropped {
                    var v = xy[f]
                    for j in 0..<p { v -= gram[f * p + j] * coefs[nIter][j] }
                    temp.append(v)
                }
                cov = temp + cov
                for i in dropPositions { signActive.remove(at: i) }
                signActive.append(0)
            }
        }
        return LarsPath(alphas: Array(alphas[0...nIter]), coefs: Array(coefs[0...nIter]))
    }

    @inline(__always)
    static func pow2(_ e: Double) -> Double { Double(sign: .plus, exponent: Int(e), significand: 1) }

    /// numpy's `around(x, decimals)`: rint(x * 10^d) / 10^d.
    @inline(__always)
    static func roundDecimals(_ x: Double, _ decimals: Int) -> Double {
        let scale = 1e15
        return (x * scale).rounded(.toNearestOrEven) / scale
    }

    /// Solves (L L^T) x = b with the lower-triangular `n` x `n` L stored with row stride `stride`.
    static func choleskySolve(_ l: [Double], stride ld: Int, n: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<n {
            var v = x[i]
            for k in 0..<i { v -= l[i * ld + k] * x[k] }
            x[i] = v / l[i * ld + i]
        }
        var i = n - 1
        while i >= 0 {
            var v = x[i]
            var k = i + 1
            while k < n { v -= l[k * ld + i] * x[k]; k += 1 }
            x[i] = v / l[i * ld + i]
            i -= 1
        }
        return x
    }

    /// scikit-learn's `arrayfuncs.cholesky_delete`: removes row/column `goOut` of the factor and restores the
    /// lower-triangular form with Givens rotations.
    static func choleskyDelete(_ l: inout [Double], stride m: Int, n: Int, goOut: Int) {
        l.withUnsafeMutableBufferPointer { lb in
            guard let base = lb.baseAddress else { return }
            var l1 = base + goOut * m
            if goOut < n - 1 {
                for i in goOut..<(n - 1) {
                    for k in 0..<(i + 2) { l1[k] = l1[m + k] }
                    l1 += m
                }
            }
            l1 = base + goOut * m
            if goOut < n - 1 {
                for i in goOut..<(n - 1) {
                    var c = 0.0, s = 0.0
                    cblas_drotg(l1 + i, l1 + i + 1, &c, &s)
                    if l1[i] < 0 {
                        l1[i] = abs(l1[i])
                        c = -c
                        s = -s
                    }
                    l1[i + 1] = 0
                    l1 += m
                    let count = n - i - 2
                    if count > 0 { cblas_drot(Int32(count), l1 + i, Int32(m), l1 + i + 1, Int32(m), c, s) }
                }
            }
        }
    }
}
