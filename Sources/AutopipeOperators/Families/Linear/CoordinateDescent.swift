import AutopipeData
import COpenBLAS

/// scikit-learn's elastic-net coordinate descent (`_cd_fast.enet_coordinate_descent` and
/// `enet_coordinate_descent_gram`), step for step: minimises 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2
/// by cyclic (or random) coordinate updates, checking the duality gap (against tol * ||y||^2) whenever the largest
/// coordinate change relative to the largest weight falls below tol, and at the last iteration. Non-convergence
/// returns the current weights (scikit-learn only warns).
enum CoordinateDescent {
    /// Dense X given column-major (`rows` x `columns`, column j contiguous). `w` is the warm start and result.
    static func enet(w: inout [Double], l1: Double, l2: Double, xColumnMajor x: [Double], rows n: Int, columns d: Int,
                     y: [Double], maxIter: Int, tol tolerance: Double, positive: Bool, random: Bool,
                     generator: inout SeededGenerator, context: FitContext) throws {
        BLAS.ensureConfigured()
        var normCols = [Double](repeating: 0, count: d)
        var r = y
        var xta = [Double](repeating: 0, count: d)
        try x.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress else { return }
            for j in 0..<d { normCols[j] = cblas_ddot(Int32(n), xp + j * n, 1, xp + j * n, 1) }
            try w.withUnsafeMutableBufferPointer { wb in
                guard let wp = wb.baseAddress else { return }
                try r.withUnsafeMutableBufferPointer { rb in
                    guard let rp = rb.baseAddress else { return }
                    try y.withUnsafeBufferPointer { yb in
                        guard let yp = yb.baseAddress else { return }
                        // R = y - X w
                        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(d), -1, xp, Int32(n), wp, 1, 1, rp, 1)
                        let tol = tolerance * cblas_ddot(Int32(n), yp, 1, yp, 1)
                        for iteration in 0..<maxIter {
                            try context.check()
                            var wMax = 0.0, dwMax = 0.0
                            for f in 0..<d {
                                let ii = random ? generator.nextInt(below: d) : f
                                if normCols[ii] == 0 { continue }
                                let col = xp + ii * n
                                let wOld = wp[ii]
                                if wOld != 0 { cblas_daxpy(Int32(n), wOld, col, 1, rp, 1) }
                                let tmp = cblas_ddot(Int32(n), col, 1, rp, 1)
                                if positive && tmp < 0 {
                                    wp[ii] = 0
                                } else {
                                    wp[ii] = sign(tmp) * max(abs(tmp) - l1, 0) / (normCols[ii] + l2)
                                }
                                if wp[ii] != 0 { cblas_daxpy(Int32(n), -wp[ii], col, 1, rp, 1) }
                                dwMax = max(dwMax, abs(wp[ii] - wOld))
                                wMax = max(wMax, abs(wp[ii]))
                            }
                            if wMax == 0 || dwMax / wMax < tolerance || iteration == maxIter - 1 {
                                // XtA = X^T R - l2 w
                                xta.withUnsafeMutableBufferPointer { ab in
                                    guard let ap = ab.baseAddress else { return }
                                    for j in 0..<d { ap[j] = wp[j] }
                                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(n), Int32(d), 1, xp, Int32(n), rp, 1, -l2, ap, 1)
                                }
                                let dualNorm = positive ? (xta.max() ?? 0) : xta.reduce(0) { max($0, abs($1)) }
                                let rNorm2 = cblas_ddot(Int32(n), rp, 1, rp, 1)
                                let wNorm2 = cblas_ddot(Int32(d), wp, 1, wp, 1)
                                var gap: Double, const: Double
                                if dualNorm > l1 {
                                    const = l1 / dualNorm
                                    gap = 0.5 * (rNorm2 + rNorm2 * const * const)
                                } else {
                                    const = 1
                                    gap = rNorm2
                                }
                                let l1Norm = cblas_dasum(Int32(d), wp, 1)
                                gap += l1 * l1Norm - const * cblas_ddot(Int32(n), rp, 1, yp, 1)
                                    + 0.5 * l2 * (1 + const * const) * wNorm2
                                if gap < tol { break }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The Gram variant: Q = X^T X (row-major `d` x `d`), q = X^T y, yNorm2 = y . y.
    static func enetGram(w: inout [Double], l1: Double, l2: Double, gram q: [Double], xy: [Double], yNorm2: Double,
                         columns d: Int, maxIter: Int, tol tolerance: Double, positive: Bool, random: Bool,
                         generator: inout SeededGenerator, context: FitContext) throws {
        BLAS.ensureConfigured()
        var h = [Double](repeating: 0, count: d)
        var xta = [Double](repeating: 0, count: d)
        try q.withUnsafeBufferPointer { qb in
            guard let qp = qb.baseAddress else { return }
            try w.withUnsafeMutableBufferPointer { wb in
                guard let wp = wb.baseAddress else { return }
                try h.withUnsafeMutableBufferPointer { hb in
                    guard let hp = hb.baseAddress else { return }
                    // H = Q w
                    cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(d), Int32(d), 1, qp, Int32(d), wp, 1, 0, hp, 1)
                    let tol = tolerance * yNorm2
                    for iteration in 0..<maxIter {
                        try context.check()
                        var wMax = 0.0, dwMax = 0.0
                        for f in 0..<d {
                            let ii = random ? generator.nextInt(below: d) : f
                            if qp[ii * d + ii] == 0 { continue }
                            let wOld = wp[ii]
                            if wOld != 0 { cblas_daxpy(Int32(d), -wOld, qp + ii * d, 1, hp, 1) }
                            let tmp = xy[ii] - hp[ii]
                            if positive && tmp < 0 {
                                wp[ii] = 0
                            } else {
                                wp[ii] = sign(tmp) * max(abs(tmp) - l1, 0) / (qp[ii * d + ii] + l2)
                            }
                            if wp[ii] != 0 { cblas_daxpy(Int32(d), wp[ii], qp + ii * d, 1, hp, 1) }
                            let dw = abs(wp[ii] - wOld)
                            if dw > dwMax { dwMax = dw }
                            if abs(wp[ii]) > wMax { wMax = abs(wp[ii]) }
                        }
                        if wMax == 0 || dwMax / wMax < tolerance || iteration == maxIter - 1 {
                            let qDotW = xy.withUnsafeBufferPointer { cblas_ddot(Int32(d), wp, 1, $0.baseAddress, 1) }
                            for j in 0..<d { xta[j] = xy[j] - hp[j] - l2 * wp[j] }
                            let dualNorm = positive ? (xta.max() ?? 0) : xta.reduce(0) { max($0, abs($1)) }
                            var tmp = 0.0
                            for j in 0..<d { tmp += wp[j] * hp[j] }
                            let rNorm2 = yNorm2 + tmp - 2 * qDotW
                            let wNorm2 = cblas_ddot(Int32(d), wp, 1, wp, 1)
                            var gap: Double, const: Double
                            if dualNorm > l1 {
                                const = l1 / dualNorm
                                gap = 0.5 * (rNorm2 + rNorm2 * const * const)
                            } else {
                                const = 1
                                gap = rNorm2
                            }
                            gap += l1 * cblas_dasum(Int32(d), wp, 1) - const * yNorm2 + const * qDotW
                                + 0.5 * l2 * (1 + const * const) * wNorm2
                            if gap < tol { break }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}
