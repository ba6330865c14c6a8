import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// FastICA's fixed-point iterations on whitened data (scikit-learn's `_ica_par` and `_ica_def`).
enum IndependentComponents {
    /// Applies the contrast function in place to `wx` (k x n): `wx` becomes g(wx) and the result is the row
    /// means of g'(wx) (scikit-learn's `_logcosh`, `_exp`, `_cube` with alpha 1).
    static func contrast(_ wx: inout Matrix, function: String) -> [Double] {
        let k = wx.rows, n = wx.columns
        var derivative = [Double](repeating: 0, count: k)
        wx.values.withUnsafeMutableBufferPointer { v in
            switch function {
            case "exp", "cube": break
            default: VectorMath.tanh(v)
            }
            for j in 0..<k {
                let base = j * n
                var sum = 0.0
                switch function {
                case "exp":
                    for i in 0..<n {
                        let x = v[base + i], x2 = x * x
                        let e = exp(-x2 / 2)
                        v[base + i] = x * e
                        sum += (1 - x2) * e
                    }
                case "cube":
                    for i in 0..<n {
                        let x = v[base + i], x2 = x * x
                        v[base + i] = x2 * x
                        sum += 3 * x2
                    }
                default:
                    // v already holds tanh(wx): the mean of 1 - tanh² is 1 - mean(tanh²), summed in eight
                    // independent lanes (one chain of 20,000 dependent adds was a quarter of the fit).
                    var lanes = SIMD8<Double>()
                    var i = 0
                    while i + 8 <= n {
                        let t = SIMD8<Double>(v[(base + i)..<(base + i + 8)])
                        lanes += t * t
                        i += 8
                    }
                    var squares = lanes.sum()
                    while i < n {
                        squares += v[base + i] * v[base + i]
                        i += 1
                    }
                    sum = Double(n) - squares
                }
                derivative[j] = sum / Double(n)
            }
        }
        return derivative
    }

    /// `(W Wᵀ)^(-1/2) W`, eigenvalues clipped below at the smallest normal double (scikit-learn's
    /// `_sym_decorrelation`).
    static func symmetricDecorrelation(_ w: Matrix) throws -> Matrix {
        let k = w.rows
        let (values, vectors) = try BLAS.symmetricEigen(BLAS.gemm(w, w, transposeB: true))
        var scaled = vectors
        for j in 0..<k {
            let factor = 1 / max(values[j], Double.leastNormalMagnitude).squareRoot()
            for i in 0..<k { scaled.values[i * k + j] *= factor }
        }
        return BLAS.gemm(BLAS.gemm(scaled, vectors, transposeB: true), w)
    }

    /// Parallel FastICA: returns the unmixing matrix and the number of iterations run.
    static func parallel(_ x: Matrix, initial: Matrix, function: String, tolerance: Double, maxIterations: Int,
                         context: FitContext) throws -> (Matrix, Int) {
        let k = x.rows, n = Double(x.columns)
        var w = try symmetricDecorrelation(initial)
        var iteration = 0
        while iteration < maxIterations {
            try context.check()
            iteration += 1
            var gwx = BLAS.gemm(w, x)
            let derivative = contrast(&gwx, function: function)
            var update = BLAS.gemm(gwx, x, transposeB: true)
            for j in 0..<k {
                for i in 0..<k {
                    update.values[j * k + i] = update.values[j * k + i] / n - derivative[j] * w.values[j * k + i]
                }
            }
            let w1 = try symmetricDecorrelation(update)
            var limit = 0.0
            for j in 0..<k {
                var dot = 0.0
                for i in 0..<k { dot += w1.values[j * k + i] * w.values[j * k + i] }
                limit = max(limit, abs(abs(dot) - 1))
            }
            w = w1
            if !limit.isFinite {
                throw OperatorError.numerical(operator: FastICA.name, detail: "the fixed-point iteration diverged")
            }
            if limit < tolerance { break }
        }
        return (w, iteration)
    }

    /// Deflationary FastICA (one component at a time, Gram-Schmidt against the previous ones).
    static func deflation(_ x: Matrix, initial: Matrix, function: String, tolerance: Double, maxIterations: Int,
                          context: FitContext) throws -> (Matrix, Int) {
        let k = x.rows, n = x.columns
        var w = Matrix(rows: k, columns: k)
        var most = 0
        for j in 0..<k {
            var current = Array(initial.values[(j * k)..<((j + 1) * k)])
            let norm = current.reduce(0) { $0 + $1 * $1 }.squareRoot()
            current = current.map { $0 / norm }
            var iteration = 0
            while iteration < maxIterations {
                try context.check()
                iteration += 1
                var wx = BLAS.gemm(Matrix(rows: 1, columns: k, values: current), x)
                let derivative = contrast(&wx, function: function)[0]
                // w1 = mean over samples of x * g(wᵀx) - mean(g') * w
                var next = BLAS.gemm(wx, x, transposeB: true).values.map { $0 / Double(n) }
                for i in 0..<k { next[i] -= derivative * current[i] }
                // Gram-Schmidt: w1 -= (w1 W[:j]ᵀ) W[:j]
                var projections = [Double](repeating: 0, count: j)
                for p in 0..<j {
                    for i in 0..<k { projections[p] += next[i] * w.values[p * k + i] }
                }
                for p in 0..<j {
                    for i in 0..<k { next[i] -= projections[p] * w.values[p * k + i] }
                }
                let nextNorm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                next = next.map { $0 / nextNorm }
                var dot = 0.0
                for i in 0..<k { dot += next[i] * current[i] }
                let limit = abs(abs(dot) - 1)
                current = next
                if !limit.isFinite {
                    throw OperatorError.numerical(operator: FastICA.name, detail: "the fixed-point iteration diverged")
                }
                if limit < tolerance { break }
            }
            most = max(most, iteration)
            for i in 0..<k { w.values[j * k + i] = current[i] }
        }
        return (w, most)
    }
}
