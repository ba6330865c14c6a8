import AutopipeData
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Thin wrappers over OpenBLAS (CBLAS and LAPACK). OpenBLAS runs single-threaded: autopipe parallelises across
/// evaluations, and one thread keeps results identical whatever the machine.
public enum BLAS {
    private static let singleThreaded: Bool = {
        // Before any other BLAS call: OpenBLAS 0.3.21 falls back to generic kernels on CPUs it does not know;
        // pick the fast ones the CPU supports (see BLAS+CoreType.swift).
        selectKernelsForCPU()
        openblas_set_num_threads(1)
        stopServerThreads()
        return true
    }()

    /// Configures OpenBLAS now rather than at the first BLAS call (commands call it first thing: see
    /// `stopServerThreads`).
    public static func prepare() { ensureConfigured() }

    /// The threaded OpenBLAS starts a pool of server threads when it is loaded; with one thread in use they never
    /// get work, but each spins (sched_yield) for about 0.1 s before sleeping, which on 2 cores takes a core
    /// from a short command such as `predict` (7% of its CPU time). OpenBLAS's own shutdown entry point (the one
    /// its fork handler uses) ends them. Looked up at run time: serial builds of OpenBLAS have no pool.
    private static func stopServerThreads() {
        typealias Shutdown = @convention(c) () -> Int32
        guard let symbol = dlsym(nil, "blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
    }

    /// The OpenBLAS kernel set in use (for benchmark reports).
    public static var kernelName: String {
        ensureConfigured()
        return corename()
    }

    @inline(__always) static func ensureConfigured() { _ = singleThreaded }

    /// C = alpha * op(A) * op(B) + beta * C for row-major matrices.
    public static func gemm(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
                            alpha: Double = 1) -> Matrix {
        ensureConfigured()
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition(k == (transposeB ? b.columns : b.rows), "gemm: inner dimensions differ")
        if m == 0 || n == 0 || k == 0 { return Matrix(rows: m, columns: n) }
        // With beta = 0, dgemm writes every entry of C without reading it (BLAS: "when BETA is zero, C need not be
        // set on input"), so C is not zero-filled first: for a 20,000 x 100 kernel matrix that fill was 17% of
        // Nystroem's time.
        let c = [Double](unsafeUninitializedCapacity: m * n) { pc, count in
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(a.columns), pb.baseAddress, Int32(b.columns), 0,
                                pc.baseAddress, Int32(n))
                }
            }
            count = m * n
        }
        return Matrix(rows: m, columns: n, values: c)
    }

    /// Eigen-decomposition of a symmetric matrix (LAPACK dsyevd): eigenvalues ascending and the eigenvectors as
    /// the columns of a row-major matrix.
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
        ensureConfigured()
        precondition(a.rows == a.columns, "symmetricEigen needs a square matrix")
        var n = Int32(a.rows)
        // LAPACK is column-major; a symmetric matrix is its own transpose.
        var work = a.values
        var w = [Double](repeating: 0, count: a.rows)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
        var lda = max(n, 1), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workSize = 0.0
        var iworkSize: Int32 = 0
        dsyevd_(&jobz, &uplo, &n, &work, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
        lwork = Int32(workSize)
        liwork = iworkSize
        var scratch = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iscratch = [Int32](repeating: 0, count: Int(max(liwork, 1)))
        dsyevd_(&jobz, &uplo, &n, &work, &lda, &w, &scratch, &lwork, &iscratch, &liwork, &info)
        if info != 0 {
            throw OperatorError.notConverged(operator: "eigendecomposition", detail: "LAPACK dsyevd info \(info)")
        }
        // `work` now holds eigenvectors column-major: vector j is work[j*n ..< (j+1)*n]; transpose to row-major.
        let size = a.rows
        var vectors = Matrix(rows: size, columns: size)
        for j in 0..<size { for i in 0..<size { vectors[i, j] = work[j * size + i] } }
        return (w, vectors)
    }
}
