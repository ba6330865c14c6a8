import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// scikit-learn's univariate scores (`f_classif`, `f_regression`) and the F distribution's survival function
/// they use for p-values.
public enum UnivariateStatistics {
    /// F statistics and p-values per feature.
    public struct Scores: Sendable, Equatable {
        public var f: [Double]
        public var p: [Double]
    }

    /// The test scikit-learn's TPOT configuration pairs with the task: `f_classif` for class targets,
    /// `f_regression` for real ones.
    public static func scores(_ x: Matrix, _ y: Targets) -> Scores {
        switch y {
        case .classes(let labels, let count): return fClassif(x, labels, classCount: count)
        case .values(let values): return fRegression(x, values)
        }
    }

    /// scikit-learn's `f_classif` (one-way ANOVA per feature over the classes present in `labels`), with its
    /// arithmetic order: per-class column sums and sums of squares, then `sstot`, `ssbn`, `sswn`.
    public static func fClassif(_ x: Matrix, _ labels: [Int], classCount: Int) -> Scores {
        let n = x.rows, d = x.columns
        let k = max(classCount, (labels.max() ?? -1) + 1)
        var sums = [Double](repeating: 0, count: k * d)
        var squares = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        x.values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for r in 0..<min(n, labels.count) {
                        let label = labels[r]
                        guard label >= 0 && label < k else { continue }
                        counts[label] += 1
                        let base = r * d, target = label * d
                        for c in 0..<d {
                            let value = v[base + c]
                            s[target + c] += value
                            q[target + c] += value * value
                        }
                    }
                }
            }
        }
        let present = (0..<k).filter { counts[$0] > 0 }
        let total = Double(present.reduce(0) { $0 + counts[$1] })
        let dfbn = Double(present.count - 1)
        let dfwn = total - Double(present.count)
        var f = [Double](repeating: 0, count: d)
        var p = [Double](repeating: 0, count: d)
        for c in 0..<d {
            var ssAll = 0.0, sumAll = 0.0
            for label in present {
                ssAll += squares[label * d + c]
                sumAll += sums[label * d + c]
            }
            let squareOfSumsAll = sumAll * sumAll
            let sstot = ssAll - squareOfSumsAll / total
            var ssbn = 0.0
            for label in present {
                let s = sums[label * d + c]
                ssbn += s * s / Double(counts[label])
            }
            ssbn -= squareOfSumsAll / total
            let sswn = sstot - ssbn
            let msb = ssbn / dfbn
            let msw = sswn / dfwn
            f[c] = msb / msw
            p[c] = fSurvival(f[c], dfn: dfbn, dfd: dfwn)
        }
        return Scores(f: f, p: p)
    }

    /// scikit-learn's `f_regression` (center=True, force_finite=True): the squared Pearson correlation turned into
    /// an F statistic with 1 and n - 2 degrees of freedom; an infinite F becomes the largest double, a NaN F
    /// (constant feature or target) becomes 0 with p-value 1.
    public static func fRegression(_ x: Matrix, _ y: [Double]) -> Scores {
        let n = x.rows, d = x.columns
        let yMean = y.reduce(0, +) / Double(n)
        let yc = y.map { $0 - yMean }
        let yNorm = yc.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var dot = [Double](repeating: 0, count: d)
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * d, w = yc[r]
                for c in 0..<d {
                    let value = v[base + c]
                    dot[c] += w * value
                    sums[c] += value
                    squares[c] += value * value
                }
            }
        }
        let dof = Double(n - 2)
        var f = [Double](repeating: 0, count: d)
        var p = [Double](repeating: 1, count: d)
        for c in 0..<d {
            let mean = sums[c] / Double(n)
            let norm = (squares[c] - Double(n) * mean * mean).squareRoot()
            var r = dot[c] / norm / yNorm
            if r.isNaN { r = 0 }
            let r2 = r * r
            var statistic = r2 / (1 - r2) * dof
            var pValue = fSurvival(statistic, dfn: 1, dfd: dof)
            if statistic.isInfinite {
                statistic = .greatestFiniteMagnitude
            } else if statistic.isNaN {
                statistic = 0
                pValue = 1
            }
            f[c] = statistic
            p[c] = pValue
        }
        return Scores(f: f, p: p)
    }

    /// The F distribution's survival function `P(F > f)` with `dfn` and `dfd` degrees of freedom (scipy's
    /// `special.fdtrc`): `I_w(dfd / 2, dfn / 2)` with `w = dfd / (dfd + dfn * f)`. NaN for invalid arguments.
    public static func fSurvival(_ f: Double, dfn: Double, dfd: Double) -> Double {
        guard dfn > 0, dfd > 0, f.isNaN == false, f >= 0 else { return .nan }
        if f.isInfinite { return 0 }
        let denominator = dfd + dfn * f
        return regularizedIncompleteBeta(a: dfd / 2, b: dfn / 2, x: dfd / denominator, y: dfn * f / denominator)
    }

    /// The regularized incomplete beta function `I_x(a, b)`.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        regularizedIncompleteBeta(a: a, b: b, x: x, y: 1 - x)
    }

    /// `I_x(a, b)` with `y = 1 - x` supplied by the caller (so it keeps its precision when x is near 1), by the
    /// continued fraction (modified Lentz) on whichever of `I_x(a, b)` and `1 - I_y(b, a)` converges fast. The
    /// prefactor `x^a y^b / B(a, b)` is computed in log space with R's cancellation-free `lbeta`, which keeps
    /// about 1e-14 relative accuracy even for hundreds of thousands of degrees of freedom.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, y: Double) -> Double {
        guard a > 0, b > 0, !x.isNaN, !y.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let front = exp(a * logX + b * logY - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - front * betaContinuedFraction(a: b, b: a, x: y) / b
    }

    /// `log B(a, b)` without the cancellation of `lgamma(a + b) - lgamma(a) - lgamma(b)` for large arguments
    /// (R's `lbeta`, with Stirling's correction series).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b), q = max(a, b)
        let logSqrt2Pi = 0.918938533204672741780329736406
        if p >= 10 {
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
            return -0.5 * log(q) + logSqrt2Pi + correction + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
            return lgamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return log(tgamma(p) * (tgamma(q) / tgamma(p + q)))
    }

    /// `lgamma(x) - ((x - 0.5) log x - x + log sqrt(2 pi))` for x >= 10 (Stirling's series).
    static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x, inverse2 = inverse * inverse
        // 1/12, -1/360, 1/1260, -1/1680, 1/1188, -691/360360, 1/156 (Bernoulli numbers B2k / (2k (2k - 1))).
        var series = 1.0 / 156
        series = series * inverse2 - 691.0 / 360360
        series = series * inverse2 + 1.0 / 1188
        series = series * inverse2 - 1.0 / 1680
        series = series * inverse2 + 1.0 / 1260
        series = series * inverse2 - 1.0 / 360
        series = series * inverse2 + 1.0 / 12
        return series * inverse
    }

    /// The continued fraction of the incomplete beta function (Numerical Recipes' `betacf`, modified Lentz).
    static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
