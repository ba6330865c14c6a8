import COpenBLAS

extension BLAS {
    /// C = alpha * op(A) * op(B) + beta * C on raw row-major storage (m x n result, inner dimension k), for hot
    /// loops that reuse their buffers (the MLP's layer products).
    @inline(__always)
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int, beta: Double,
                     _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        ensureConfigured()
        if m == 0 || n == 0 { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
