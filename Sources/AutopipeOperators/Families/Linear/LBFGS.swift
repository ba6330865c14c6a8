import AutopipeData

/// Limited-memory BFGS for smooth objectives, and its orthant-wise variant (OWL-QN, Andrew & Gao 2007) when an
/// L1 term sum_i l1[i] * |x_i| is added. Used by LogisticRegression (lbfgs / newton-cg / sag / saga objectives,
/// liblinear's L1 problems) and LinearSVC's L1 penalty. Stopping rules mirror scipy's L-BFGS-B as scikit-learn
/// calls it: the largest (pseudo-)gradient component <= `gtol`, or a relative objective decrease <= `ftol`, or
/// `maxIter` iterations; plus liblinear's relative 1-norm rule when `relativeGtol` is given.
struct LBFGS {
    /// Returns f(x) and writes the gradient of the smooth part into the second argument.
    typealias Objective = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double

    var memory = 10
    var maxIter: Int
    var gtol: Double = 0
    var relativeGtol: Double? = nil
    var ftol: Double = 64 * Double.ulpOfOne
    var maxLineSearch = 50

    /// Minimises from `x0`. `l1` (one weight per coordinate, 0 = no L1) switches to OWL-QN.
    func minimize(_ x0: [Double], l1: [Double]? = nil, context: FitContext, _ objective: Objective) throws -> [Double] {
        let n = x0.count
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var f = evaluate(objective, x, &g, l1)
        var pg = [Double](repeating: 0, count: n)
        var d = [Double](repeating: 0, count: n)
        var xNew = [Double](repeating: 0, count: n)
        var gNew = [Double](repeating: 0, count: n)
        var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
        var alphaScratch = [Double](repeating: 0, count: memory)
        var pg0Norm1: Double? = nil
        var iter = 0
        while iter < maxIter {
            try context.check()
            pseudoGradient(x, g, l1, &pg)
            var pgInf = 0.0, pgNorm1 = 0.0
            for v in pg { pgInf = max(pgInf, abs(v)); pgNorm1 += abs(v) }
            if pg0Norm1 == nil { pg0Norm1 = pgNorm1 }
            if pgInf <= gtol { break }
            if let rel = relativeGtol, let initial = pg0Norm1, pgNorm1 <= rel * initial { break }
            if !f.isFinite { break }
            // Two-loop recursion: d = -H pg.
            for i in 0..<n { d[i] = -pg[i] }
            let m = sList.count
            if m > 0 {
                for k in stride(from: m - 1, through: 0, by: -1) {
                    let a = rhoList[k] * dot(sList[k], d)
                    alphaScratch[k] = a
                    let yk = yList[k]
                    for i in 0..<n { d[i] -= a * yk[i] }
                }
                let last = m - 1
                let gamma = dot(sList[last], yList[last]) / dot(yList[last], yList[last])
                for i in 0..<n { d[i] *= gamma }
                for k in 0..<m {
                    let b = rhoList[k] * dot(yList[k], d)
                    let sk = sList[k]
                    let a = alphaScratch[k]
                    for i in 0..<n { d[i] += (a - b) * sk[i] }
                }
            }
            if l1 != nil {
                for i in 0..<n where d[i] * pg[i] >= 0 { d[i] = 0 }
            }
            var slope = dot(pg, d)
            if !(slope < 0) {
                // Not a descent direction: restart from steepest descent.
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
                for i in 0..<n { d[i] = -pg[i] }
                slope = dot(pg, d)
                if !(slope < 0) { break }
            }
            var step = 1.0
            if sList.isEmpty {
                let norm = dot(pg, pg).squareRoot()
                step = norm > 0 ? min(1, 1 / norm) : 1
            }
            var accepted = false
            var fNew = f
            for _ in 0..<maxLineSearch {
                try context.check()
                for i in 0..<n { xNew[i] = x[i] + step * d[i] }
                if let l1 {
                    // Stay in the orthant of x (or of -pg where x is 0).
                    for i in 0..<n where l1[i] > 0 {
                        let orthant = x[i] != 0 ? (x[i] > 0 ? 1.0 : -1.0) : (pg[i] < 0 ? 1.0 : -1.0)
                        if xNew[i] * orthant <= 0 { xNew[i] = 0 }
                    }
                }
                fNew = evaluate(objective, xNew, &gNew, l1)
                var decrease = 0.0
                for i in 0..<n { decrease += pg[i] * (xNew[i] - x[i]) }
                if fNew.isFinite && fNew <= f + 1e-4 * decrease {
                    accepted = true
                    break
                }
                step *= fNew.isFinite ? 0.5 : 0.1
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for i in 0..<n { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i] }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y).squareRoot() * dot(s, s).squareRoot() && sy > 0 {
                if sList.count == memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
            }
            let relativeDecrease = (f - fNew) / max(abs(f), abs(fNew), 1)
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            iter += 1
            if relativeDecrease <= ftol { break }
        }
        return x
    }

    private func evaluate(_ objective: Objective, _ x: [Double], _ g: inout [Double], _ l1: [Double]?) -> Double {
        var f = x.withUnsafeBufferPointer { xp in
            g.withUnsafeMutableBufferPointer { gp in objective(xp.baseAddress!, gp.baseAddress!) }
        }
        if let l1 {
            for i in 0..<x.count where l1[i] > 0 { f += l1[i] * abs(x[i]) }
        }
        return f
    }

    private func pseudoGradient(_ x: [Double], _ g: [Double], _ l1: [Double]?, _ pg: inout [Double]) {
        guard let l1 else {
            for i in 0..<x.count { pg[i] = g[i] }
            return
        }
        for i in 0..<x.count {
            let lambda = l1[i]
            if lambda == 0 { pg[i] = g[i]; continue }
            if x[i] > 0 { pg[i] = g[i] + lambda }
            else if x[i] < 0 { pg[i] = g[i] - lambda }
            else if g[i] + lambda < 0 { pg[i] = g[i] + lambda }
            else if g[i] - lambda > 0 { pg[i] = g[i] - lambda }
            else { pg[i] = 0 }
        }
    }

    @inline(__always)
    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                for i in 0..<ap.count { s += ap[i] * bp[i] }
            }
        }
        return s
    }
}
