import AutopipeData

/// Principal component analysis, as scikit-learn 1.5's `PCA` on dense input.
///
/// Solvers as scikit-learn: `auto` picks `covariance_eigh` for tall data (n_features <= 1000 and n_samples >=
/// 10 n_features), else `full` when max(shape) <= 500, else `randomized` when n_components < 0.8 min(shape), else
/// `full`. `full`: LAPACK SVD of the centred data; `covariance_eigh`: eigendecomposition of the covariance
/// matrix; `randomized`: Halko et al.'s range finder with scikit-learn's power-iteration normalisers (`auto`:
/// none for <= 2 iterations, else LU; `QR`; `LU`; `none`), `n_oversamples` extra vectors and `iterated_power`
/// iterations (None means scikit-learn's 'auto': 7 when n_components < 0.1 min(shape), else 4), the random
/// matrix drawn from the fit's seed. Signs follow scikit-learn's `svd_flip(u_based_decision=False)` (the largest
/// loading of each component is positive), so outputs match scikit-learn's exactly up to round-off for the
/// deterministic solvers, and for `randomized` whenever the range finder captures the same subspace (always when
/// n_components is None, TPOT's setting, since the sketch then spans the whole row space). `whiten` divides by the
/// square root of the explained variance (clipped below at machine epsilon, as scikit-learn).
///
/// Deliberate differences: `n_components` is an int or None (no fraction of variance, no 'mle'); `iterated_power`
/// None stands for 'auto' (the parameter table cannot mix ints and strings); `arpack` computes the same
/// truncated decomposition exactly (full SVD, truncated) rather than with ARPACK's random start.
public struct PCA: Transformer {
    public static let name = "PCA"
    public static let role = OperatorRole.transformer
    public static let summary = "Projects the data on its principal components (linear dimensionality reduction)."
    public static let space: ParameterSpace = [
        .integer("n_components", 1..., default: nil),
        .boolean("whiten", default: false, grid: []),
        .choice("svd_solver", ["auto", "full", "covariance_eigh", "arpack", "randomized"], default: "auto",
                grid: ["randomized"]),
        .real("tol", atLeast: 0, default: 0.0),
        .integer("iterated_power", 0..., default: nil, grid: Array(1...10),
                 doc: "None means scikit-learn's 'auto'."),
        .integer("n_oversamples", 1..., default: 10),
        .choice("power_iteration_normalizer", ["auto", "QR", "LU", "none"], default: "auto", grid: []),
    ]

    public let parameters: Parameters
    let nComponents: Int?
    let whiten: Bool
    let solver: String
    let iteratedPower: Int?
    let oversamples: Int
    let normalizer: String

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        nComponents = parameters.optionalInt("n_components")
        whiten = parameters.bool("whiten")
        solver = parameters.string("svd_solver")
        iteratedPower = parameters.optionalInt("iterated_power")
        oversamples = parameters.int("n_oversamples")
        normalizer = parameters.string("power_iteration_normalizer")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let mean: [Double]
        /// Components as rows (k x d, row-major).
        public let components: [Double]
        public let componentCount: Int
        public let explainedVariance: [Double]
        public let whiten: Bool

        public func transform(_ x: Matrix) throws -> Matrix {
            let k = componentCount, d = inputColumns
            let c = Matrix(rows: k, columns: d, values: components)
            // As scikit-learn: X Cᵀ, then subtract mean Cᵀ (centring after the projection).
            var out = BLAS.gemm(x, c, transposeB: true)
            let shift = BLAS.gemm(Matrix(rows: 1, columns: d, values: mean), c, transposeB: true).values
            var scale = [Double](repeating: 1, count: k)
            if whiten {
                for j in 0..<k {
                    let s = explainedVariance[j].squareRoot()
                    scale[j] = s < Double.ulpOfOne ? Double.ulpOfOne : s
                }
            }
            out.values.withUnsafeMutableBufferPointer { o in
                shift.withUnsafeBufferPointer { shift in
                    scale.withUnsafeBufferPointer { scale in
                        guard var row = o.baseAddress, let shift = shift.baseAddress, let scale = scale.baseAddress
                        else { return }
                        for _ in 0..<x.rows {
                            if whiten {
                                for j in 0..<k { row[j] = (row[j] - shift[j]) / scale[j] }
                            } else {
                                // Dividing by 1 changes nothing: skip the division (a fifth of the transform).
                                for j in 0..<k { row[j] -= shift[j] }
                            }
                            row += k
                        }
                    }
                }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        let smallest = min(n, d)
        var solver = self.solver
        var k = nComponents ?? (solver == "arpack" ? smallest - 1 : smallest)
        if solver == "auto" {
            if d <= 1_000 && n >= 10 * d {
                solver = "covariance_eigh"
            } else if max(n, d) <= 500 {
                solver = "full"
            } else if k >= 1 && Double(k) < 0.8 * Double(smallest) {
                solver = "randomized"
            } else {
                solver = "full"
            }
        }
        switch solver {
        case "arpack":
            guard k >= 1 && k < smallest else {
                throw OperatorError.invalidInput(operator: Self.name,
                    reason: "n_components=\(k) must be strictly between 0 and min(n_samples, n_features)=\(smallest) with svd_solver='arpack'")
            }
        default:
            guard k >= 1 && k <= smallest else {
                throw OperatorError.invalidInput(operator: Self.name,
                    reason: "n_components=\(k) must be between 1 and min(n_samples, n_features)=\(smallest) with svd_solver='\(solver)'")
            }
        }
        k = max(k, 1)
        let mean = Self.columnMeans(x)
        var vt: Matrix
        var variance: [Double]
        switch solver {
        case "covariance_eigh":
            (vt, variance) = try Self.covarianceEigh(x, mean: mean)
        case "randomized":
            (vt, variance) = try randomized(Self.centered(x, mean), components: k, context: context)
        default:
            let (_, s, v) = try BLAS.thinSVD(Self.centered(x, mean), operator: Self.name)
            vt = v
            variance = s.map { $0 * $0 / Double(n - 1) }
        }
        try context.check()
        Self.flipSigns(&vt)
        let components = Array(vt.values[0..<(k * d)])
        let explained = Array(variance[0..<k])
        if whiten && explained.contains(where: { !$0.isFinite }) {
            throw OperatorError.numerical(operator: Self.name, detail: "explained variance is not finite (too few samples to whiten)")
        }
        return Fitted(inputColumns: d, mean: mean, components: components, componentCount: k,
                      explainedVariance: explained, whiten: whiten)
    }

    static func columnMeans(_ x: Matrix) -> [Double] {
        var mean = [Double](repeating: 0, count: x.columns)
        let d = x.columns
        x.values.withUnsafeBufferPointer { v in
            mean.withUnsafeMutableBufferPointer { m in
                guard var row = v.baseAddress, let m = m.baseAddress else { return }
                for _ in 0..<x.rows {
                    for c in 0..<d { m[c] += row[c] }
                    row += d
                }
            }
        }
        return mean.map { $0 / Double(x.rows) }
    }

    static func centered(_ x: Matrix, _ mean: [Double]) -> Matrix {
        var out = x
        out.values.withUnsafeMutableBufferPointer { v in
            for r in 0..<x.rows {
                let base = r * x.columns
                for c in 0..<x.columns { v[base + c] -= mean[c] }
            }
        }
        return out
    }

    /// scikit-learn's `covariance_eigh`: C = (XᵀX - n mean meanᵀ) / (n - 1), eigenvalues descending and clipped at
    /// 0; components are the eigenvectors.
    static func covarianceEigh(_ x: Matrix, mean: [Double]) throws -> (Matrix, [Double]) {
        let n = Double(x.rows), d = x.columns
        var c = BLAS.gram(x)
        for i in 0..<d {
            for j in 0..<d {
                c.values[i * d + j] = (c.values[i * d + j] - n * mean[i] * mean[j]) / (n - 1)
            }
        }
        let (values, vectors) = try BLAS.symmetricEigen(c)
        var vt = Matrix(rows: d, columns: d)
        var variance = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let source = d - 1 - j
            variance[j] = max(values[source], 0)
            for i in 0..<d { vt.values[j * d + i] = vectors.values[i * d + source] }
        }
        return (vt, variance)
    }

    /// scikit-learn's `randomized_svd` (flip_sign=False) of the centred data, keeping Vt and S²/(n - 1).
    func randomized(_ a: Matrix, components k: Int, context: FitContext) throws -> (Matrix, [Double]) {
        let n = a.rows, d = a.columns
        let iterations = iteratedPower ?? (Double(k) < 0.1 * Double(min(n, d)) ? 7 : 4)
        let transpose = n < d
        let m = transpose ? a.transposed() : a
        let size = k + oversamples
        var rng = context.generator()
        var q = Matrix(rows: m.columns, columns: size,
                       values: (0..<(m.columns * size)).map { _ in rng.nextGaussian() })
        var mode = normalizer
        if mode == "auto" { mode = iterations <= 2 ? "none" : "LU" }
        func normalize(_ z: Matrix) throws -> Matrix {
            switch mode {
            case "QR": return try BLAS.orthonormalBasis(z, operator: Self.name)
            case "LU": return try BLAS.permutedLowerFactor(z, operator: Self.name)
            default: return z
            }
        }
        for _ in 0..<iterations {
            try context.check()
            q = try normalize(BLAS.gemm(m, q))
            q = try normalize(BLAS.gemm(m, transposeA: true, q))
        }
        q = try BLAS.orthonormalBasis(BLAS.gemm(m, q), operator: Self.name)
        let b = BLAS.gemm(q, transposeA: true, m)
        let (uHat, s, vtB) = try BLAS.thinSVD(b, operator: Self.name)
        let variance = s.map { $0 * $0 / Double(n - 1) }
        guard s.count >= k else {
            throw OperatorError.numerical(operator: Self.name, detail: "the randomized sketch has rank below n_components")
        }
        if transpose {
            // Vt of the original matrix is (Q Uhat)ᵀ.
            let u = BLAS.gemm(q, uHat)
            return (u.transposed(), variance)
        }
        return (vtB, variance)
    }

    /// scikit-learn's `svd_flip(u_based_decision=False)`: each row's largest-magnitude entry (first on ties)
    /// becomes positive. (A zero row keeps its sign, where numpy's sign(0) would zero it.)
    static func flipSigns(_ vt: inout Matrix) {
        let d = vt.columns
        for j in 0..<vt.rows {
            let base = j * d
            var best = 0, bestValue = -1.0
            for i in 0..<d where abs(vt.values[base + i]) > bestValue {
                bestValue = abs(vt.values[base + i])
                best = i
            }
            if vt.values[base + best] < 0 {
                for i in 0..<d { vt.values[base + i] = -vt.values[base + i] }
            }
        }
    }
}
