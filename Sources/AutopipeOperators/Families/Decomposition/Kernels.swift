import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// scikit-learn's pairwise kernels (`sklearn.metrics.pairwise`), as Nystroem calls them with `filter_params`:
/// a parameter left None takes the kernel function's own default (gamma 1/n_features, except chi2's 1.0;
/// degree 3; coef0 1).
struct Kernel: Sendable, Codable, Hashable {
    enum Kind: String, Codable, CaseIterable {
        case rbf, laplacian, chi2, additiveChi2 = "additive_chi2", polynomial, poly, linear, sigmoid, cosine
    }

    var kind: Kind
    var gamma: Double?
    var degree: Double?
    var coef0: Double?

    var needsNonNegativeInput: Bool { kind == .chi2 || kind == .additiveChi2 }

    /// K(X, Y): one row per row of `x`, one column per row of `y`. `same` says Y is X (scikit-learn then sets the
    /// squared distances of the diagonal to exactly 0).
    func matrix(_ x: Matrix, _ y: Matrix, same: Bool = false, operator name: String) throws -> Matrix {
        let features = Double(x.columns)
        if needsNonNegativeInput && (x.values.contains { $0 < 0 } || y.values.contains { $0 < 0 }) {
            throw OperatorError.invalidInput(operator: name, reason: "X contains negative values.")
        }
        switch kind {
        case .linear:
            return BLAS.gemm(x, y, transposeB: true)
        case .polynomial, .poly:
            let g = gamma ?? 1 / features, c = coef0 ?? 1, p = degree ?? 3
            var k = BLAS.gemm(x, y, transposeB: true)
            k.values.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count { v[i] = pow(v[i] * g + c, p) }
            }
            return k
        case .sigmoid:
            let g = gamma ?? 1 / features, c = coef0 ?? 1
            var k = BLAS.gemm(x, y, transposeB: true)
            k.values.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count { v[i] = v[i] * g + c }
                VectorMath.tanh(v)
            }
            return k
        case .cosine:
            return BLAS.gemm(Self.rowNormalized(x), Self.rowNormalized(y), transposeB: true)
        case .rbf:
            let g = gamma ?? 1 / features
            var k = Self.squaredEuclidean(x, y)
            if same { for i in 0..<min(k.rows, k.columns) { k.values[i * k.columns + i] = 0 } }
            k.values.withUnsafeMutableBufferPointer { v in VectorMath.exp(v, scale: -g) }
            return k
        case .laplacian:
            let g = gamma ?? 1 / features
            var k = Self.elementwise(x, y) { a, b in abs(a - b) }
            k.values.withUnsafeMutableBufferPointer { v in VectorMath.exp(v, scale: -g) }
            return k
        case .additiveChi2:
            return Self.additiveChi2(x, y)
        case .chi2:
            let g = gamma ?? 1
            var k = Self.additiveChi2(x, y)
            k.values.withUnsafeMutableBufferPointer { v in VectorMath.exp(v, scale: g) }
            return k
        }
    }

    /// scikit-learn's `euclidean_distances(X, Y, squared=True)`: ‖x‖² - 2 x·y + ‖y‖², clipped at 0.
    static func squaredEuclidean(_ x: Matrix, _ y: Matrix) -> Matrix {
        var k = BLAS.gemm(x, y, transposeB: true, alpha: -2)
        let xx = rowSquaredNorms(x), yy = rowSquaredNorms(y)
        let columns = y.rows
        k.values.withUnsafeMutableBufferPointer { v in
            yy.withUnsafeBufferPointer { yb in
                for r in 0..<x.rows {
                    let base = r * columns, xr = xx[r]
                    for c in 0..<columns {
                        let value = v[base + c] + xr + yb[c]
                        v[base + c] = value > 0 ? value : 0
                    }
                }
            }
        }
        return k
    }

    static func rowSquaredNorms(_ x: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: x.rows)
        let d = x.columns
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rows {
                var s = 0.0
                for c in 0..<d { s += v[r * d + c] * v[r * d + c] }
                out[r] = s
            }
        }
        return out
    }

    /// Rows scaled to unit l2 norm (zero rows unchanged), as scikit-learn's `normalize`.
    static func rowNormalized(_ x: Matrix) -> Matrix {
        var out = x
        let norms = rowSquaredNorms(x).map { ScalingSupport.nonZeroScale($0.squareRoot()) }
        for r in 0..<x.rows {
            for c in 0..<x.columns { out.values[r * x.columns + c] /= norms[r] }
        }
        return out
    }

    /// Σ_t f(x_t, y_t) for every pair of rows.
    static func elementwise(_ x: Matrix, _ y: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
        let m = x.columns
        var out = [Double](repeating: 0, count: x.rows * y.rows)
        x.values.withUnsafeBufferPointer { a in
            y.values.withUnsafeBufferPointer { b in
                for i in 0..<x.rows {
                    for j in 0..<y.rows {
                        var s = 0.0
                        for t in 0..<m { s += f(a[i * m + t], b[j * m + t]) }
                        out[i * y.rows + j] = s
                    }
                }
            }
        }
        return Matrix(rows: x.rows, columns: y.rows, values: out)
    }

    /// `-Σ (x - y)² / (x + y)`, terms with x + y = 0 skipped (scikit-learn's `additive_chi2_kernel`).
    static func additiveChi2(_ x: Matrix, _ y: Matrix) -> Matrix {
        elementwise(x, y) { a, b in
            let denominator = a + b
            if denominator == 0 { return 0 }
            let difference = a - b
            return -(difference * difference / denominator)
        }
    }
}
