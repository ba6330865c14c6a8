import AutopipeData

extension Tron {
    /// Up to this many weights (features + bias) the Hessian is formed and factored explicitly.
    static let newtonWidthLimit = 200

    /// Newton's method with the explicit (generalised) Hessian, for narrow problems: the same objective and the
    /// same stopping rule as liblinear's TRON (||g|| <= eps ||g(0)||, at most `maxIter` iterations), but each
    /// step solves the Newton system exactly (Cholesky of I + X_I^T D X_I, one BLAS syrk) instead of running
    /// truncated conjugate gradient inside a trust region. Far fewer matrix passes on ill-conditioned data; the
    /// optimum is the same. Steps are damped by backtracking (Armijo).
    func minimizeNewton(eps: Double, maxIter: Int, context: FitContext) throws -> [Double] {
        let width = problem.width
        gathersActiveRows = false
        var w = [Double](repeating: 0, count: width)
        var wNew = [Double](repeating: 0, count: width)
        var g = [Double](repeating: 0, count: width)
        var f = w.withUnsafeBufferPointer { fun($0.baseAddress!) }
        w.withUnsafeBufferPointer { wp in g.withUnsafeMutableBufferPointer { grad(wp.baseAddress!, $0.baseAddress!) } }
        let gnorm0 = norm(g)
        var iter = 0
        var scaled = [Double]()
        while iter < maxIter {
            if norm(g) <= eps * gnorm0 { break }
            try context.check()
            let hessian = explicitHessian(&scaled)
            guard let step = LinearBLAS.choleskySolve(hessian, n: width, g.map { -$0 }) else { break }
            var slope = 0.0
            for i in 0..<width { slope += g[i] * step[i] }
            if !(slope < 0) { break }
            // Backtracking along the step with a = X s: each trial costs O(n), not a matrix pass.
            let a = multiply(step)
            var wNorm2 = 0.0, ws = 0.0, ss = 0.0
            for i in 0..<width { wNorm2 += w[i] * w[i]; ws += w[i] * step[i]; ss += step[i] * step[i] }
            // Exact line search by one-dimensional Newton steps on the (convex) objective along s, then Armijo
            // backtracking as a safeguard.
            var t = 1.0
            for _ in 0..<20 {
                let (l1, l2) = lossDerivativesAlong(t, a)
                let d1 = ws + t * ss + l1, d2 = ss + l2
                guard d2 > 0 else { break }
                let next = t - d1 / d2
                if !(next > 0) || !next.isFinite { break }
                if abs(next - t) <= 1e-10 * max(1, t) { t = next; break }
                t = next
            }
            var accepted = false
            var fNew = f
            for _ in 0..<40 {
                fNew = 0.5 * (wNorm2 + 2 * t * ws + t * t * ss) + lossAlong(t, a)
                if fNew <= f + 1e-4 * t * slope {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            iter += 1
            if !accepted { break }
            advance(t, a)
            for i in 0..<width { wNew[i] = w[i] + t * step[i] }
            let decrease = f - fNew
            swap(&w, &wNew)
            f = fNew
            // Refresh the margins exactly now and then (the incremental update drifts by round-off).
            if iter % 10 == 0 { f = w.withUnsafeBufferPointer { fun($0.baseAddress!) } }
            w.withUnsafeBufferPointer { wp in g.withUnsafeMutableBufferPointer { grad(wp.baseAddress!, $0.baseAddress!) } }
            if decrease <= 1.0e-12 * abs(f) { break }
        }
        return w
    }

    /// I + factor * X^T D X over the rows with a non-zero weight (all rows for the logistic loss).
    private func explicitHessian(_ scaled: inout [Double]) -> [Double] {
        let width = problem.width
        let rowCount = problem.rows
        switch loss {
        case .logistic:
            if scaled.count < rowCount * width { scaled = [Double](repeating: 0, count: rowCount * width) }
            problem.x.withUnsafeBufferPointer { xp in
                scaled.withUnsafeMutableBufferPointer { sp in
                    for i in 0..<rowCount {
                        let r = dd[i].squareRoot()
                        for c in 0..<width { sp[i * width + c] = r * xp[i * width + c] }
                    }
                }
            }
        case .squaredHinge, .squaredEpsilonInsensitive:
            return updatedSquaredLossHessian(&scaled)
        }
        var h = scaled.withUnsafeBufferPointer { sp in
            LinearBLAS.gram(sp.baseAddress!, rows: rowCount, columns: width)
        }
        for i in 0..<width { h[i * width + i] += 1 }
        return h
    }

    /// For the squared losses the weights are C or 0, and between Newton steps only a few rows enter or leave
    /// the active set: the Hessian is updated by rank-k corrections (two syrk calls) and rebuilt from scratch
    /// when many rows changed or after 20 updates (bounding round-off drift).
    private func updatedSquaredLossHessian(_ scaled: inout [Double]) -> [Double] {
        let width = problem.width, n = problem.rows
        if hessianWeights.count != n {
            if let gram = sharedGram, gram.count == width * width {
                // Start from every row active with weight C: C X^T X, shared by the one-vs-rest problems.
                hessianWeights = [Double](repeating: c, count: n)
                hessianBase = gram.map { c * $0 }
                hessianUpdates = 0
            } else {
                hessianWeights = [Double](repeating: 0, count: n)
                hessianBase = [Double](repeating: 0, count: width * width)
                hessianUpdates = Int.max
            }
        }
        var changed: [Int] = []
        for i in 0..<n where dd[i] != hessianWeights[i] { changed.append(i) }
        var activeRows = 0
        for i in 0..<n where dd[i] != 0 { activeRows += 1 }
        let rebuild = hessianUpdates >= 20 || changed.count > activeRows
        if scaled.count < n * width { scaled = [Double](repeating: 0, count: max(n * width, 1)) }
        problem.x.withUnsafeBufferPointer { xp in
            scaled.withUnsafeMutableBufferPointer { sp in
                hessianBase.withUnsafeMutableBufferPointer { hp in
                    guard let xb = xp.baseAddress, let sb = sp.baseAddress, let hb = hp.baseAddress else { return }
                    // Adds alpha * sum over `rows` of weight * x x^T.
                    func accumulate(_ rows: [Int], _ weight: (Int) -> Double, _ alpha: Double) {
                        var m = 0
                        for i in rows {
                            let r = weight(i).squareRoot()
                            if r == 0 { continue }
                            for c in 0..<width { sb[m * width + c] = r * xb[i * width + c] }
                            m += 1
                        }
                        LinearBLAS.syrkUpper(sb, rows: m, columns: width, alpha: alpha, into: hb)
                    }
                    if rebuild {
                        for i in 0..<(width * width) { hb[i] = 0 }
                        accumulate(Array(0..<n), { self.dd[$0] }, 1)
                        hessianUpdates = 0
                    } else {
                        let leaving = changed.filter { hessianWeights[$0] != 0 }
                        let entering = changed.filter { dd[$0] != 0 }
                        accumulate(leaving, { self.hessianWeights[$0] }, -1)
                        accumulate(entering, { self.dd[$0] }, 1)
                        hessianUpdates += 1
                    }
                }
            }
        }
        for i in 0..<n { hessianWeights[i] = dd[i] }
        var h = [Double](repeating: 0, count: width * width)
        for i in 0..<width {
            for j in i..<width {
                let v = 2 * hessianBase[i * width + j]
                h[i * width + j] = v
                h[j * width + i] = v
            }
            h[i * width + i] += 1
        }
        return h
    }

    private func norm(_ a: [Double]) -> Double {
        var s = 0.0
        for v in a { s += v * v }
        return s.squareRoot()
    }
}
