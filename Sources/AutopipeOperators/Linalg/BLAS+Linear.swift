import AutopipeData
import COpenBLAS

/// Pointer-level BLAS/LAPACK wrappers for the linear models (row-major, single-threaded OpenBLAS). They take raw
/// pointers so the solvers' inner loops allocate nothing.
enum LinearBLAS {
    typealias P = UnsafePointer<Double>
    typealias MP = UnsafeMutablePointer<Double>

    /// y = alpha * A x + beta * y, with A row-major `rows` x `columns`.
    @inline(__always)
    static func gemv(_ a: P, rows: Int, columns: Int, _ x: P, _ y: MP, alpha: Double = 1, beta: Double = 0) {
        BLAS.ensureConfigured()
        if rows == 0 { return }
        if columns == 0 {
            for i in 0..<rows { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), alpha, a, Int32(columns), x, 1, beta, y, 1)
    }

    /// y = alpha * A^T x + beta * y, with A row-major `rows` x `columns` (y has `columns` entries).
    @inline(__always)
    static func gemvT(_ a: P, rows: Int, columns: Int, _ x: P, _ y: MP, alpha: Double = 1, beta: Double = 0) {
        BLAS.ensureConfigured()
        if columns == 0 { return }
        if rows == 0 {
            for i in 0..<columns { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), alpha, a, Int32(columns), x, 1, beta, y, 1)
    }

    /// C = alpha * op(A) op(B) + beta * C, all row-major; `m` x `n` result, inner dimension `k`.
    /// `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1, _ a: P, lda: Int,
                     _ b: P, ldb: Int, beta: Double = 0, _ c: MP, ldc: Int) {
        BLAS.ensureConfigured()
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    static func dot(_ n: Int, _ x: P, _ y: P) -> Double {
        n == 0 ? 0 : cblas_ddot(Int32(n), x, 1, y, 1)
    }

    /// Strided dot product.
    @inline(__always)
    static func dot(_ n: Int, _ x: P, _ incx: Int, _ y: P, _ incy: Int) -> Double {
        n == 0 ? 0 : cblas_ddot(Int32(n), x, Int32(incx), y, Int32(incy))
    }

    /// y += alpha * x
    @inline(__always)
    static func axpy(_ n: Int, _ alpha: Double, _ x: P, _ y: MP) {
        if n > 0 { cblas_daxpy(Int32(n), alpha, x, 1, y, 1) }
    }

    @inline(__always)
    static func nrm2(_ n: Int, _ x: P) -> Double {
        n == 0 ? 0 : cblas_dnrm2(Int32(n), x, 1)
    }

    /// X^T X (symmetric, both triangles filled) of a row-major `rows` x `columns` matrix.
    static func gram(_ x: P, rows: Int, columns: Int) -> [Double] {
        var g = [Double](repeating: 0, count: columns * columns)
        if rows == 0 || columns == 0 { return g }
        BLAS.ensureConfigured()
        g.withUnsafeMutableBufferPointer { gp in
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1, x, Int32(columns), 0,
                        gp.baseAddress, Int32(columns))
            for i in 0..<columns { for j in 0..<i { gp[i * columns + j] = gp[j * columns + i] } }
        }
        return g
    }

    /// G += alpha * X^T X on the upper triangle of the row-major `columns` x `columns` G (X row-major).
    static func syrkUpper(_ x: P, rows: Int, columns: Int, alpha: Double, into g: MP) {
        if rows == 0 || columns == 0 { return }
        BLAS.ensureConfigured()
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), alpha, x, Int32(columns), 1,
                    g, Int32(columns))
    }

    /// Thin SVD of a row-major `rows` x `columns` matrix (LAPACK dgesdd): singular values (descending) and the
    /// left singular vectors as a row-major `rows` x k matrix, k = min(rows, columns); optionally V^T (k x columns).
    static func thinSVD(_ a: [Double], rows: Int, columns: Int) throws -> (s: [Double], u: [Double], vt: [Double]) {
        BLAS.ensureConfigured()
        let k = min(rows, columns)
        if k == 0 { return ([], [], []) }
        // Row-major A (rows x columns) is column-major A^T (columns x rows). SVD of A^T = V S U^T, so LAPACK's
        // "U" of A^T is our V and its "VT" is our U^T; in column-major storage U^T (k x rows) reads as row-major U.
        var m = Int32(columns), n = Int32(rows)
        var work = a
        var s = [Double](repeating: 0, count: k)
        var uLapack = [Double](repeating: 0, count: columns * k)   // columns x k column-major = V
        var vtLapack = [Double](repeating: 0, count: k * rows)     // k x rows column-major = U^T -> row-major U
        var jobz = CChar(UInt8(ascii: "S"))
        var lda = max(m, 1), ldu = max(m, 1), ldvt = Int32(k)
        var lwork: Int32 = -1, info: Int32 = 0
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var query = 0.0
        dgesdd_(&jobz, &m, &n, &work, &lda, &s, &uLapack, &ldu, &vtLapack, &ldvt, &query, &lwork, &iwork, &info)
        lwork = Int32(max(query, 1))
        var scratch = [Double](repeating: 0, count: Int(lwork))
        dgesdd_(&jobz, &m, &n, &work, &lda, &s, &uLapack, &ldu, &vtLapack, &ldvt, &scratch, &lwork, &iwork, &info)
        if info != 0 {
            throw OperatorError.numerical(operator: "svd", detail: "LAPACK dgesdd info \(info)")
        }
        // vtLapack column-major k x rows: element (j, i) at i * k + j = U[i, j] row-major with k columns.
        // uLapack column-major columns x k: element (c, j) at j * columns + c = V[c, j] = VT[j, c] row-major.
        return (s, vtLapack, uLapack)
    }

    /// Solves A x = b for a symmetric positive definite `n` x `n` A (Cholesky, LAPACK dpotrf/dpotrs).
    /// Returns nil when A is not positive definite.
    static func choleskySolve(_ a: [Double], n: Int, _ b: [Double]) -> [Double]? {
        BLAS.ensureConfigured()
        if n == 0 { return [] }
        var factor = a
        var nn = Int32(n), lda = Int32(n), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrf_(&uplo, &nn, &factor, &lda, &info)
        if info != 0 { return nil }
        var x = b
        var nrhs: Int32 = 1, ldb = Int32(n)
        dpotrs_(&uplo, &nn, &nrhs, factor, &lda, &x, &ldb, &info)
        return info == 0 ? x : nil
    }
}

extension Matrix {
    /// Column means.
    func columnMeans() -> [Double] {
        var mean = [Double](repeating: 0, count: columns)
        let n = rows, d = columns
        values.withUnsafeBufferPointer { v in
            mean.withUnsafeMutableBufferPointer { m in
                for r in 0..<n {
                    let base = r * d
                    for c in 0..<d { m[c] += v[base + c] }
                }
                if n > 0 { for c in 0..<d { m[c] /= Double(n) } }
            }
        }
        return mean
    }
}
