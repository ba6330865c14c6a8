import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Independent component analysis, as scikit-learn 1.5's `FastICA`: centring, PCA whitening (`whiten_solver`
/// `svd`, or `eigh` of the scatter matrix), then the fixed-point iteration, `parallel` (symmetric decorrelation
/// each step) or `deflation` (one component at a time, Gram-Schmidt), with `fun` logcosh (alpha 1), exp or
/// cube, stopping when `max |1 - |diag(W_new Wᵀ)|| < tol` or after `max_iter` iterations (without error, as
/// scikit-learn only warns). `whiten='unit-variance'` rescales the sources to unit variance.
///
/// The random start `w_init` comes from the fit's seed, so outputs equal scikit-learn's only up to the order and
/// sign of the components (ICA's own indeterminacy) and the convergence tolerance; fixtures compare on a mixture
/// of well-separated sources.
///
/// Deliberate differences: `whiten=False` (a bool in scikit-learn) is not offered, only the two whitening
/// strings; `fun_args` and `w_init` are not parameters. A sign of exactly 0 in the whitening basis counts as +1
/// (numpy's sign would zero the component).
public struct FastICA: Transformer {
    public static let name = "FastICA"
    public static let role = OperatorRole.transformer
    public static let summary = "Separates the features into statistically independent components."
    public static let space: ParameterSpace = [
        .integer("n_components", 1..., default: nil),
        .choice("algorithm", ["parallel", "deflation"], default: "parallel", grid: []),
        .choice("whiten", ["arbitrary-variance", "unit-variance"], default: "unit-variance", grid: []),
        .choice("fun", ["logcosh", "exp", "cube"], default: "logcosh", grid: []),
        .integer("max_iter", 1..., default: 200),
        .real("tol", atLeast: 0, default: 1e-4, grid: (0...20).map { Double($0) / 20 }),
        .choice("whiten_solver", ["eigh", "svd"], default: "svd", grid: []),
    ]

    public let parameters: Parameters
    let nComponents: Int?
    let deflation: Bool
    let unitVariance: Bool
    let function: String
    let maxIterations: Int
    let tolerance: Double
    let eighWhitening: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        nComponents = parameters.optionalInt("n_components")
        deflation = parameters.string("algorithm") == "deflation"
        unitVariance = parameters.string("whiten") == "unit-variance"
        function = parameters.string("fun")
        maxIterations = parameters.int("max_iter")
        tolerance = parameters.double("tol")
        eighWhitening = parameters.string("whiten_solver") == "eigh"
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let mean: [Double]
        /// The unmixing matrix applied to centred data (k x d, row-major): scikit-learn's `components_`.
        public let components: [Double]
        public let componentCount: Int
        /// Fixed-point iterations run (the largest over components for deflation).
        public let iterations: Int

        public func transform(_ x: Matrix) throws -> Matrix {
            let centered = PCA.centered(x, mean)
            return BLAS.gemm(centered, Matrix(rows: componentCount, columns: inputColumns, values: components),
                             transposeB: true)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        guard n >= 2 else {
            throw OperatorError.invalidInput(operator: Self.name, reason: "FastICA needs at least 2 samples, got \(n)")
        }
        let k = min(nComponents ?? min(n, d), min(n, d))
        let mean = PCA.columnMeans(x)
        let xc = PCA.centered(x, mean)
        // Whitening K (k x d): rows u_j / d_j of the PCA basis, signs fixed by the first entry.
        let whitening = try Self.whitening(xc, components: k, eigh: eighWhitening)
        try context.check()
        // X1 = K Xcᵀ sqrt(n), stored k x n.
        var x1 = BLAS.gemm(whitening, xc, transposeB: true)
        let root = Double(n).squareRoot()
        x1.values.withUnsafeMutableBufferPointer { v in for i in 0..<v.count { v[i] *= root } }
        guard x1.allFinite else {
            throw OperatorError.numerical(operator: Self.name, detail: "whitening is not finite (a zero singular value)")
        }
        var rng = context.generator()
        let initial = Matrix(rows: k, columns: k, values: (0..<(k * k)).map { _ in rng.nextGaussian() })
        var (w, iterations) = deflation
            ? try IndependentComponents.deflation(x1, initial: initial, function: function, tolerance: tolerance,
                                                  maxIterations: maxIterations, context: context)
            : try IndependentComponents.parallel(x1, initial: initial, function: function, tolerance: tolerance,
                                                 maxIterations: maxIterations, context: context)
        if unitVariance {
            // S = (W K Xcᵀ)ᵀ; divide each row of W by the population standard deviation of its source.
            let sources = BLAS.gemm(xc, BLAS.gemm(w, whitening), transposeB: true)
            for j in 0..<k {
                var mean = 0.0
                for r in 0..<n { mean += sources.values[r * k + j] }
                mean /= Double(n)
                var variance = 0.0
                for r in 0..<n {
                    let delta = sources.values[r * k + j] - mean
                    variance += delta * delta
                }
                let std = (variance / Double(n)).squareRoot()
                for i in 0..<k { w.values[j * k + i] /= std }
            }
        }
        let components = BLAS.gemm(w, whitening)
        guard components.allFinite else {
            throw OperatorError.numerical(operator: Self.name, detail: "the unmixing matrix is not finite")
        }
        return Fitted(inputColumns: d, mean: mean, components: components.values, componentCount: k,
                      iterations: iterations)
    }

    /// scikit-learn's whitening matrix K = (u / d)ᵀ[:k] of the centred data, with u *= sign(u[0]).
    static func whitening(_ xc: Matrix, components k: Int, eigh: Bool) throws -> Matrix {
        let d = xc.columns
        var basis: Matrix          // rows are the u_j (length d)
        var singular: [Double]
        if eigh {
            let (values, vectors) = try BLAS.symmetricEigen(BLAS.gram(xc))
            let epsilon = Double.ulpOfOne * 10
            basis = Matrix(rows: d, columns: d)
            singular = [Double](repeating: 0, count: d)
            // Descending order (numpy argsort ascending, reversed).
            for j in 0..<d {
                let source = d - 1 - j
                singular[j] = max(values[source] < epsilon ? epsilon : values[source], 0).squareRoot()
                for i in 0..<d { basis.values[j * d + i] = vectors.values[i * d + source] }
            }
        } else {
            let (_, s, vt) = try BLAS.thinSVD(xc, operator: name)
            basis = vt
            singular = s
        }
        var k1 = Matrix(rows: k, columns: d)
        for j in 0..<k {
            let sign: Double = basis.values[j * d] < 0 ? -1 : 1
            let scale = sign / singular[j]
            for i in 0..<d { k1.values[j * d + i] = basis.values[j * d + i] * scale }
        }
        return k1
    }
}
