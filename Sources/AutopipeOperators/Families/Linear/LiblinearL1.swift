import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// The columns of a liblinear problem with zeros dropped (liblinear's transposed `prob_col`; scikit-learn hands
/// liblinear sparse rows, so zero entries are skipped there too).
struct SparseColumns {
    var start: [Int]
    var rowIndex: [Int]
    var value: [Double]
    let rows: Int
    let columns: Int

    init(_ problem: LiblinearProblem) {
        let rows = problem.rows, columns = problem.width
        self.rows = rows
        self.columns = columns
        var start = [Int](repeating: 0, count: columns + 1)
        var rowIndex: [Int] = [], value: [Double] = []
        rowIndex.reserveCapacity(problem.x.count / 2)
        value.reserveCapacity(problem.x.count / 2)
        problem.x.withUnsafeBufferPointer { x in
            for j in 0..<columns {
                start[j] = rowIndex.count
                for i in 0..<rows {
                    let v = x[i * columns + j]
                    if v != 0 { rowIndex.append(i); value.append(v) }
                }
            }
        }
        start[columns] = rowIndex.count
        self.start = start
        self.rowIndex = rowIndex
        self.value = value
    }
}

/// liblinear's L1-regularised primal solvers (linear.cpp), ported step by step: `solve_l1r_l2_svc` (coordinate
/// descent with a line search, L1 penalty + squared hinge) and `solve_l1r_lr` (newGLMNET: coordinate descent on a
/// quadratic model inside Newton iterations with a line search). Random permutations come from the fit's seed.
enum LiblinearL1 {
    /// min ||w||_1 + C sum max(0, 1 - y w.x)^2; `y` holds +1 / -1; `eps` is liblinear's primal tolerance.
    static func squaredHingeSVC(_ columns: SparseColumns, y: [Double], c: Double, eps: Double, maxIter: Int,
                                generator: inout SeededGenerator, context: FitContext) throws -> [Double] {
        let l = columns.rows, wSize = columns.columns
        // Raw buffers for the inner loops (no bounds checks); the values are copied because they get y folded in.
        let nnz = columns.rowIndex.count
        let startP = UnsafeMutablePointer<Int>.allocate(capacity: wSize + 1)
        let rowP = UnsafeMutablePointer<Int>.allocate(capacity: max(nnz, 1))
        let valP = UnsafeMutablePointer<Double>.allocate(capacity: max(nnz, 1))
        let bP = UnsafeMutablePointer<Double>.allocate(capacity: max(l, 1))
        defer { startP.deallocate(); rowP.deallocate(); valP.deallocate(); bP.deallocate() }
        startP.initialize(from: columns.start, count: wSize + 1)
        rowP.initialize(from: columns.rowIndex, count: nnz)
        valP.initialize(from: columns.value, count: nnz)
        bP.initialize(repeating: 1, count: max(l, 1))
        let maxLineSearch = 20
        let sigma = 0.01
        var w = [Double](repeating: 0, count: wSize)
        var xjSq = [Double](repeating: 0, count: wSize)
        var index = Array(0..<wSize)
        // x->value *= y (liblinear stores y_i x_ij).
        for j in 0..<wSize {
            for k in startP[j]..<startP[j + 1] {
                valP[k] *= y[rowP[k]]
                xjSq[j] += c * valP[k] * valP[k]
            }
        }
        var activeSize = wSize
        var gMaxOld = Double.infinity
        var gNorm1Init = -1.0
        var iter = 0
        let lDouble = Double(l)
        while iter < maxIter {
            try context.check()
            var gMaxNew = 0.0, gNorm1New = 0.0
            for j in 0..<activeSize {
                let i = j + generator.nextInt(below: activeSize - j)
                index.swapAt(i, j)
            }
            var s = 0
            while s < activeSize {
                let j = index[s]
                var gLoss = 0.0, h = 0.0
                for k in startP[j]..<startP[j + 1] {
                    let ind = rowP[k]
                    if bP[ind] > 0 {
                        let val = valP[k]
                        let tmp = c * val
                        gLoss -= tmp * bP[ind]
                        h += tmp * val
                    }
                }
                gLoss *= 2
                let g = gLoss
                h = max(h * 2, 1e-12)
                let gp = g + 1, gn = g - 1
                var violation = 0.0
                if w[j] == 0 {
                    if gp < 0 { violation = -gp }
                    else if gn > 0 { violation = gn }
                    else if gp > gMaxOld / lDouble && gn < -gMaxOld / lDouble {
                        activeSize -= 1
                        index.swapAt(s, activeSize)
                        continue
                    }
                } else if w[j] > 0 {
                    violation = abs(gp)
                } else {
                    violation = abs(gn)
                }
                gMaxNew = max(gMaxNew, violation)
                gNorm1New += violation
                s += 1
                var d: Double
                if gp < h * w[j] { d = -gp / h }
                else if gn > h * w[j] { d = -gn / h }
                else { d = -w[j] }
                if abs(d) < 1.0e-12 { continue }
                var delta = abs(w[j] + d) - abs(w[j]) + g * d
                var dOld = 0.0
                var lossOld = 0.0, lossNew = 0.0
                var lineSearch = 0
                while lineSearch < maxLineSearch {
                    let dDiff = dOld - d
                    var cond = abs(w[j] + d) - abs(w[j]) - sigma * delta
                    let approx = xjSq[j] * d * d + gLoss * d + cond
                    if approx <= 0 {
                        for k in startP[j]..<startP[j + 1] { bP[rowP[k]] += dDiff * valP[k] }
                        break
                    }
                    if lineSearch == 0 {
                        lossOld = 0
                        lossNew = 0
                        for k in startP[j]..<startP[j + 1] {
                            let ind = rowP[k]
                            if bP[ind] > 0 { lossOld += c * bP[ind] * bP[ind] }
                            let bNew = bP[ind] + dDiff * valP[k]
                            bP[ind] = bNew
                            if bNew > 0 { lossNew += c * bNew * bNew }
                        }
                    } else {
                        lossNew = 0
                        for k in startP[j]..<startP[j + 1] {
                            let ind = rowP[k]
                            let bNew = bP[ind] + dDiff * valP[k]
                            bP[ind] = bNew
                            if bNew > 0 { lossNew += c * bNew * bNew }
                        }
                    }
                    cond = cond + lossNew - lossOld
                    if cond <= 0 { break }
                    dOld = d
                    d *= 0.5
                    delta *= 0.5
                    lineSearch += 1
                }
                w[j] += d
                if lineSearch >= maxLineSearch {
                    // Recompute b from scratch.
                    for i in 0..<l { bP[i] = 1 }
                    for i in 0..<wSize where w[i] != 0 {
                        for k in startP[i]..<startP[i + 1] { bP[rowP[k]] -= w[i] * valP[k] }
                    }
                }
            }
            if iter == 0 { gNorm1Init = gNorm1New }
            iter += 1
            if gNorm1New <= eps * gNorm1Init {
                if activeSize == wSize { break }
                activeSize = wSize
                gMaxOld = .infinity
                continue
            }
            gMaxOld = gMaxNew
        }
        return w
    }

    /// min ||w||_1 + C sum log(1 + exp(-y w.x)) by newGLMNET; `y` holds +1 / -1.
    static func logistic(_ cols: SparseColumns, y: [Double], c: Double, eps: Double, maxNewtonIter: Int,
                         generator: inout SeededGenerator, context: FitContext) throws -> [Double] {
        let l = cols.rows, wSize = cols.columns
        let maxIter = 1000, maxLineSearch = 20
        let nu = 1e-12, sigma = 0.01
        var innerEps = 1.0
        var w = [Double](repeating: 0, count: wSize)
        var index = Array(0..<wSize)
        var hDiag = [Double](repeating: 0, count: wSize)
        var grad = [Double](repeating: 0, count: wSize)
        var wpd = [Double](repeating: 0, count: wSize)
        var xjNegSum = [Double](repeating: 0, count: wSize)
        let nnz = cols.rowIndex.count
        let startP = UnsafeMutablePointer<Int>.allocate(capacity: wSize + 1)
        let rowP = UnsafeMutablePointer<Int>.allocate(capacity: max(nnz, 1))
        let valP = UnsafeMutablePointer<Double>.allocate(capacity: max(nnz, 1))
        let work = UnsafeMutablePointer<Double>.allocate(capacity: 5 * max(l, 1))
        defer { startP.deallocate(); rowP.deallocate(); valP.deallocate(); work.deallocate() }
        startP.initialize(from: cols.start, count: wSize + 1)
        rowP.initialize(from: cols.rowIndex, count: nnz)
        valP.initialize(from: cols.value, count: nnz)
        work.initialize(repeating: 0, count: 5 * max(l, 1))
        let xTd = work, expWTx = work + max(l, 1), expWTxNew = work + 2 * max(l, 1)
        let tau = work + 3 * max(l, 1), dd = work + 4 * max(l, 1)
        var wNorm = 0.0
        for j in 0..<wSize {
            for k in startP[j]..<startP[j + 1] where y[rowP[k]] == -1 {
                xjNegSum[j] += c * valP[k]
            }
        }
        for i in 0..<l {
            expWTx[i] = 1   // exp(0)
            let t = 1 / (1 + expWTx[i])
            tau[i] = c * t
            dd[i] = c * expWTx[i] * t * t
        }
        var gMaxOld = Double.infinity
        var gNorm1Init = -1.0
        var newtonIter = 0
        var qpNoChange = 0
        let lDouble = Double(l)
        while newtonIter < maxNewtonIter {
            try context.check()
            var gNorm1New = 0.0, gMaxNew = 0.0
            var activeSize = wSize
            var s = 0
            while s < activeSize {
                let j = index[s]
                hDiag[j] = nu
                var tmp = 0.0
                for k in startP[j]..<startP[j + 1] {
                    let ind = rowP[k], v = valP[k]
                    hDiag[j] += v * v * dd[ind]
                    tmp += v * tau[ind]
                }
                grad[j] = -tmp + xjNegSum[j]
                let gp = grad[j] + 1, gn = grad[j] - 1
                var violation = 0.0
                if w[j] == 0 {
                    if gp < 0 { violation = -gp }
                    else if gn > 0 { violation = gn }
                    else if gp > gMaxOld / lDouble && gn < -gMaxOld / lDouble {
                        activeSize -= 1
                        index.swapAt(s, activeSize)
                        continue
                    }
                } else if w[j] > 0 {
                    violation = abs(gp)
                } else {
                    violation = abs(gn)
                }
                gMaxNew = max(gMaxNew, violation)
                gNorm1New += violation
                s += 1
            }
            if newtonIter == 0 { gNorm1Init = gNorm1New }
            if gNorm1New <= eps * gNorm1Init || qpNoChange >= 10 { break }
            qpNoChange += 1
            var iter = 0
            var qpGMaxOld = Double.infinity
            var qpActiveSize = activeSize
            for i in 0..<l { xTd[i] = 0 }
            while iter < maxIter {
                try context.check()
                var qpGMaxNew = 0.0, qpGNorm1New = 0.0
                for j in 0..<qpActiveSize {
                    let i = j + generator.nextInt(below: qpActiveSize - j)
                    index.swapAt(i, j)
                }
                var s = 0
                while s < qpActiveSize {
                    let j = index[s]
                    let h = hDiag[j]
                    var g = grad[j] + (wpd[j] - w[j]) * nu
                    for k in startP[j]..<startP[j + 1] {
                        let ind = rowP[k]
                        g += valP[k] * dd[ind] * xTd[ind]
                    }
                    let gp = g + 1, gn = g - 1
                    var violation = 0.0
                    if wpd[j] == 0 {
                        if gp < 0 { violation = -gp }
                        else if gn > 0 { violation = gn }
                        else if gp > qpGMaxOld / lDouble && gn < -qpGMaxOld / lDouble {
                            qpActiveSize -= 1
                            index.swapAt(s, qpActiveSize)
                            continue
                        }
                    } else if wpd[j] > 0 {
                        violation = abs(gp)
                    } else {
                        violation = abs(gn)
                    }
                    s += 1
                    var z: Double
                    if gp < h * wpd[j] { z = -gp / h }
                    else if gn > h * wpd[j] { z = -gn / h }
                    else { z = -wpd[j] }
                    if abs(z) < 1.0e-12 { continue }
                    z = min(max(z, -10), 10)
                    qpNoChange = 0
                    qpGMaxNew = max(qpGMaxNew, violation)
                    qpGNorm1New += violation
                    wpd[j] += z
                    for k in startP[j]..<startP[j + 1] { xTd[rowP[k]] += valP[k] * z }
                }
                iter += 1
                if qpGNorm1New <= innerEps * gNorm1Init {
                    if qpActiveSize == activeSize { break }
                    qpActiveSize = activeSize
                    qpGMaxOld = .infinity
                    continue
                }
                qpGMaxOld = qpGMaxNew
            }
            var delta = 0.0, wNormNew = 0.0
            for j in 0..<wSize {
                delta += grad[j] * (wpd[j] - w[j])
                if wpd[j] != 0 { wNormNew += abs(wpd[j]) }
            }
            delta += wNormNew - wNorm
            var negSumXTd = 0.0
            for i in 0..<l where y[i] == -1 { negSumXTd += c * xTd[i] }
            var lineSearch = 0
            while lineSearch < maxLineSearch {
                var cond = wNormNew - wNorm + negSumXTd - sigma * delta
                for i in 0..<l {
                    let e = exp(xTd[i])
                    expWTxNew[i] = expWTx[i] * e
                    cond += c * log((1 + expWTxNew[i]) / (e + expWTxNew[i]))
                }
                if cond <= 0 {
                    wNorm = wNormNew
                    for j in 0..<wSize { w[j] = wpd[j] }
                    for i in 0..<l {
                        expWTx[i] = expWTxNew[i]
                        let t = 1 / (1 + expWTx[i])
                        tau[i] = c * t
                        dd[i] = c * expWTx[i] * t * t
                    }
                    break
                }
                wNormNew = 0
                for j in 0..<wSize {
                    wpd[j] = (w[j] + wpd[j]) * 0.5
                    if wpd[j] != 0 { wNormNew += abs(wpd[j]) }
                }
                delta *= 0.5
                negSumXTd *= 0.5
                for i in 0..<l { xTd[i] *= 0.5 }
                lineSearch += 1
            }
            if lineSearch >= maxLineSearch {
                for i in 0..<l { expWTx[i] = 0 }
                for j in 0..<wSize where w[j] != 0 {
                    for k in startP[j]..<startP[j + 1] { expWTx[rowP[k]] += w[j] * valP[k] }
                }
                for i in 0..<l { expWTx[i] = exp(expWTx[i]) }
            }
            if iter == 1 { innerEps *= 0.25 }
            newtonIter += 1
            gMaxOld = gMaxNew
        }
        return w
    }
}
