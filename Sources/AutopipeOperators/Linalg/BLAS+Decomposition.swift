import AutopipeData
import COpenBLAS

/// LAPACK/BLAS wrappers for the decomposition family (PCA, FastICA, Nystroem): thin SVD, QR and LU normalisers
/// of the randomized range finder, and the Gram matrix `AᵀA`. All single-threaded (see `BLAS`).
///
/// Row-major matrices are handed to column-major LAPACK as their transposes where that is free (SVD); QR and LU
/// copy into column-major storage.
extension BLAS {
    /// Thin SVD `A = U diag(s) Vt` of a row-major m x n matrix (LAPACK dgesdd, as scipy's default driver):
    /// U is m x k, s descending, Vt is k x n, with k = min(m, n).
    public static func thinSVD(_ a: Matrix, operator name: String) throws -> (u: Matrix, s: [Double], vt: Matrix) {
        ensureConfigured()
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 { return (Matrix(rows: m, columns: 0), [], Matrix(rows: 0, columns: n)) }
        // The row-major m x n buffer is the column-major n x m matrix Aᵀ = V diag(s) Uᵀ. LAPACK's "U" of Aᵀ
        // (n x k, column-major) is V, whose buffer read row-major (k x n) is Vt; its "VT" (k x m, column-major)
        // is Uᵀ, whose buffer read row-major (m x k) is U.
        var work = a.values
        var jobz = CChar(UInt8(ascii: "S"))
        var rowsT = Int32(n), colsT = Int32(m), lda = Int32(max(n, 1))
        var s = [Double](repeating: 0, count: k)
        var vBuffer = [Double](repeating: 0, count: n * k)
        var ldu = Int32(max(n, 1))
        var uBuffer = [Double](repeating: 0, count: k * m)
        var ldvt = Int32(max(k, 1))
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var query = 0.0
        dgesdd_(&jobz, &rowsT, &colsT, &work, &lda, &s, &vBuffer, &ldu, &uBuffer, &ldvt, &query, &lwork, &iwork, &info)
        lwork = Int32(min(query, Double(Int32.max - 1)))
        var scratch = [Double](repeating: 0, count: Int(max(lwork, 1)))
        dgesdd_(&jobz, &rowsT, &colsT, &work, &lda, &s, &vBuffer, &ldu, &uBuffer, &ldvt, &scratch, &lwork, &iwork, &info)
        if info != 0 {
            throw OperatorError.notConverged(operator: name, detail: "LAPACK dgesdd info \(info)")
        }
        return (Matrix(rows: m, columns: k, values: uBuffer), s, Matrix(rows: k, columns: n, values: vBuffer))
    }

    /// The orthonormal factor Q (m x min(m, n)) of the economic QR decomposition of a row-major m x n matrix
    /// (scipy's `linalg.qr(mode="economic")[0]`), by LAPACK dgeqrf + dorgqr.
    public static func orthonormalBasis(_ a: Matrix, operator name: String) throws -> Matrix {
        ensureConfigured()
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 { return Matrix(rows: m, columns: 0) }
        var columnMajor = a.columnMajorValues()
        var rows = Int32(m), cols = Int32(n), lda = Int32(max(m, 1)), info: Int32 = 0
        var tau = [Double](repeating: 0, count: k)
        var lwork: Int32 = -1
        var query = 0.0
        dgeqrf_(&rows, &cols, &columnMajor, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(query, 1))
        var scratch = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&rows, &cols, &columnMajor, &lda, &tau, &scratch, &lwork, &info)
        if info != 0 { throw OperatorError.numerical(operator: name, detail: "LAPACK dgeqrf info \(info)") }
        var qColumns = Int32(k), reflectors = Int32(k)
        lwork = -1
        dorgqr_(&rows, &qColumns, &reflectors, &columnMajor, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(query, 1))
        scratch = [Double](repeating: 0, count: Int(lwork))
        dorgqr_(&rows, &qColumns, &reflectors, &columnMajor, &lda, &tau, &scratch, &lwork, &info)
        if info != 0 { throw OperatorError.numerical(operator: name, detail: "LAPACK dorgqr info \(info)") }
        // The first k columns (column-major, leading dimension m) are Q.
        var q = [Double](repeating: 0, count: m * k)
        for j in 0..<k { for i in 0..<m { q[i * k + j] = columnMajor[j * m + i] } }
        return Matrix(rows: m, columns: k, values: q)
    }

    /// scipy's `linalg.lu(A, permute_l=True)[0]`: the row-permuted unit lower trapezoidal factor P·L
    /// (m x min(m, n)) of `A = P L U`, by LAPACK dgetrf. A singular matrix is not an error (as in scipy).
    public static func permutedLowerFactor(_ a: Matrix, operator name: String) throws -> Matrix {
        ensureConfigured()
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 { return Matrix(rows: m, columns: 0) }
        var columnMajor = a.columnMajorValues()
        var rows = Int32(m), cols = Int32(n), lda = Int32(max(m, 1)), info: Int32 = 0
        var pivots = [Int32](repeating: 0, count: k)
        dgetrf_(&rows, &cols, &columnMajor, &lda, &pivots, &info)
        if info < 0 { throw OperatorError.numerical(operator: name, detail: "LAPACK dgetrf info \(info)") }
        var l = [Double](repeating: 0, count: m * k)
        for i in 0..<m {
            for j in 0..<min(i, k) { l[i * k + j] = columnMajor[j * m + i] }
            if i < k { l[i * k + i] = 1 }
        }
        // A = P_1 P_2 ... P_k L U: apply the interchanges to L's rows in reverse order.
        for i in stride(from: k - 1, through: 0, by: -1) {
            let other = Int(pivots[i]) - 1
            guard other != i, other >= 0, other < m else { continue }
            for j in 0..<k { l.swapAt(i * k + j, other * k + j) }
        }
        return Matrix(rows: m, columns: k, values: l)
    }

    /// `AᵀA` (n x n, symmetric, both triangles filled) of a row-major m x n matrix, by dsyrk.
    public static func gram(_ a: Matrix) -> Matrix {
        ensureConfigured()
        let m = a.rows, n = a.columns
        var c = [Double](repeating: 0, count: n * n)
        if m == 0 || n == 0 { return Matrix(rows: n, columns: n, values: c) }
        a.values.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(m), 1, pa.baseAddress, Int32(n),
                            0, pc.baseAddress, Int32(n))
            }
        }
        for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }
        return Matrix(rows: n, columns: n, values: c)
    }
}
