import AutopipeData

/// liblinear's dual coordinate descent solvers (linear.cpp `solve_l2r_l1l2_svc` and `solve_l2r_l1l2_svr`), with
/// shrinking and a random permutation of the active set in every outer iteration. The permutation comes from
/// the fit's seeded generator (liblinear uses its own `rand`), so iterates differ from scikit-learn's but the
/// optimum is the same.
enum LiblinearDual {
    @inline(__always)
    static func rowDot(_ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ width: Int) -> Double {
        var s = 0.0
        for c in 0..<width { s += x[c] * w[c] }
        return s
    }

    /// Loads a few words of a row early so its cache misses overlap the current row's work (rows are visited in
    /// a random order); returns a value the caller folds into a sink that is never used.
    @inline(__always)
    static func touch(_ x: UnsafePointer<Double>, _ width: Int) -> Double {
        var s = 0.0
        var c = 0
        while c < width { s += x[c]; c += 8 }
        return s
    }

    @inline(__always)
    static func rowAxpy(_ a: Double, _ x: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>, _ width: Int) {
        for c in 0..<width { w[c] += a * x[c] }
    }

    /// L2-regularised L1-loss (hinge, `squaredLoss` false) or L2-loss (squared hinge) SVC in the dual.
    /// `y` holds +1 / -1.
    static func svc(_ problem: LiblinearProblem, y: [Double], c: Double, squaredLoss: Bool, eps: Double,
                    maxIter: Int, generator: inout SeededGenerator, context: FitContext) throws -> [Double] {
        let l = problem.rows, width = problem.width
        let diag = squaredLoss ? 0.5 / c : 0
        let upper = squaredLoss ? Double.infinity : c
        var w = [Double](repeating: 0, count: width)
        var alpha = [Double](repeating: 0, count: l)
        var qd = problem.rowSquaredNorms()
        for i in 0..<l { qd[i] += diag }
        var index = Array(0..<l)
        var activeSize = l
        var pgMaxOld = Double.infinity, pgMinOld = -Double.infinity
        var iter = 0
        var sink = 0.0
        defer { if sink.isNaN { w.append(0); w.removeLast() } }
        try problem.x.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress else { return }
            try w.withUnsafeMutableBufferPointer { wb in
                guard let wp = wb.baseAddress else { return }
                while iter < maxIter {
                    try context.check()
                    var pgMaxNew = -Double.infinity, pgMinNew = Double.infinity
                    for i in 0..<activeSize {
                        let j = i + generator.nextInt(below: activeSize - i)
                        index.swapAt(i, j)
                    }
                    var s = 0
                    while s < activeSize {
                        let i = index[s]
                        let yi = y[i]
                        let row = xp + i * width
                        if s + 1 < activeSize { sink += touch(xp + index[s + 1] * width, width) }
                        var g = rowDot(row, wp, width) * yi - 1
                        g += alpha[i] * diag
                        var pg = 0.0
                        if alpha[i] == 0 {
                            if g > pgMaxOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            } else if g < 0 {
                                pg = g
                            }
                        } else if alpha[i] == upper {
                            if g < pgMinOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            } else if g > 0 {
                                pg = g
                            }
                        } else {
                            pg = g
                        }
                        pgMaxNew = max(pgMaxNew, pg)
                        pgMinNew = min(pgMinNew, pg)
                        if abs(pg) > 1.0e-12 && qd[i] > 0 {
                            let old = alpha[i]
                            alpha[i] = min(max(alpha[i] - g / qd[i], 0), upper)
                            let d = (alpha[i] - old) * yi
                            rowAxpy(d, row, wp, width)
                        }
                        s += 1
                    }
                    iter += 1
                    if pgMaxNew - pgMinNew <= eps {
                        if activeSize == l { break }
                        activeSize = l
                        pgMaxOld = .infinity
                        pgMinOld = -.infinity
                        continue
                    }
                    pgMaxOld = pgMaxNew
                    pgMinOld = pgMinNew
                    if pgMaxOld <= 0 { pgMaxOld = .infinity }
                    if pgMinOld >= 0 { pgMinOld = -.infinity }
                }
            }
        }
        return w
    }

    /// L2-regularised L1-loss (epsilon-insensitive) or L2-loss (squared epsilon-insensitive) SVR in the dual.
    static func svr(_ problem: LiblinearProblem, y: [Double], c: Double, epsilon p: Double, squaredLoss: Bool,
                    eps: Double, maxIter: Int, generator: inout SeededGenerator, context: FitContext) throws -> [Double] {
        let l = problem.rows, width = problem.width
        let lambda = squaredLoss ? 0.5 / c : 0
        let upper = squaredLoss ? Double.infinity : c
        var w = [Double](repeating: 0, count: width)
        var beta = [Double](repeating: 0, count: l)
        let qd = problem.rowSquaredNorms()
        var index = Array(0..<l)
        var activeSize = l
        var gMaxOld = Double.infinity
        var gNorm1Init = -1.0
        var iter = 0
        var sink = 0.0
        defer { if sink.isNaN { w.append(0); w.removeLast() } }
        try problem.x.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress else { return }
            try w.withUnsafeMutableBufferPointer { wb in
                guard let wp = wb.baseAddress else { return }
                while iter < maxIter {
                    try context.check()
                    var gMaxNew = 0.0, gNorm1New = 0.0
                    for i in 0..<activeSize {
                        let j = i + generator.nextInt(below: activeSize - i)
                        index.swapAt(i, j)
                    }
                    var s = 0
                    while s < activeSize {
                        let i = index[s]
                        let row = xp + i * width
                        if s + 1 < activeSize { sink += touch(xp + index[s + 1] * width, width) }
                        let h = qd[i] + lambda
                        let g = -y[i] + lambda * beta[i] + rowDot(row, wp, width)
                        let gp = g + p, gn = g - p
                        var violation = 0.0
                        if beta[i] == 0 {
                            if gp < 0 { violation = -gp }
                            else if gn > 0 { violation = gn }
                            else if gp > gMaxOld && gn < -gMaxOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            }
                        } else if beta[i] >= upper {
                            if gp > 0 { violation = gp }
                            else if gp < -gMaxOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            }
                        } else if beta[i] <= -upper {
                            if gn < 0 { violation = -gn }
                            else if gn > gMaxOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            }
                        } else if beta[i] > 0 {
                            violation = abs(gp)
                        } else {
                            violation = abs(gn)
                        }
                        gMaxNew = max(gMaxNew, violation)
                        gNorm1New += violation
                        s += 1
                        guard h > 0 else { continue }
                        var d: Double
                        if gp < h * beta[i] { d = -gp / h }
                        else if gn > h * beta[i] { d = -gn / h }
                        else { d = -beta[i] }
                        if abs(d) < 1.0e-12 { continue }
                        let old = beta[i]
                        beta[i] = min(max(beta[i] + d, -upper), upper)
                        d = beta[i] - old
                        if d != 0 { rowAxpy(d, row, wp, width) }
                    }
                    if iter == 0 { gNorm1Init = gNorm1New }
                    iter += 1
                    if gNorm1New <= eps * gNorm1Init {
                        if activeSize == l { break }
                        activeSize = l
                        gMaxOld = .infinity
                        continue
                    }
                    gMaxOld = gMaxNew
                }
            }
        }
        return w
    }
}
