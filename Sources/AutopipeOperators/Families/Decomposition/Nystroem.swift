import AutopipeData

/// Approximates a kernel feature map from a random subset of the training rows, as scikit-learn 1.5's
/// `Nystroem`: `n_components` basis rows drawn without replacement (all rows, in random order, when there are
/// fewer), the basis kernel's SVD `U S V` with S clipped at 1e-12, normalisation `U S^(-1/2) V`, and
/// transform `K(X, basis) normalisationᵀ`. Kernels: rbf, laplacian, chi2, additive_chi2, polynomial / poly,
/// linear, sigmoid, cosine, with scikit-learn's defaults when gamma, degree or coef0 is None; the chi2 kernels
/// reject negative input, as scikit-learn.
///
/// The basis is drawn from the fit's seed, so the features equal scikit-learn's only up to the choice of basis
/// rows. When every row is in the basis the choice is only an order, and the output equals scikit-learn's up to
/// a permutation of columns (fixtures compare the Gram matrix of the transformed rows, which is invariant).
public struct Nystroem: Transformer {
    public static let name = "Nystroem"
    public static let role = OperatorRole.transformer
    public static let summary = "Approximates a kernel feature map from a random subset of the training data."
    public static let space: ParameterSpace = [
        .choice("kernel", Kernel.Kind.allCases.map(\.rawValue), default: "rbf",
                grid: ["rbf", "cosine", "chi2", "laplacian", "polynomial", "poly", "linear", "additive_chi2", "sigmoid"]),
        .real("gamma", atLeast: 0, default: nil, grid: (0...20).map { Double($0) / 20 }),
        .real("coef0", default: nil),
        .real("degree", atLeast: 1, default: nil),
        .integer("n_components", 1..., default: 100, grid: Array(1...10)),
    ]

    public let parameters: Parameters
    let kernel: Kernel
    let components: Int

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        kernel = Kernel(kind: Kernel.Kind(rawValue: parameters.string("kernel")) ?? .rbf,
                        gamma: parameters.optionalDouble("gamma"), degree: parameters.optionalDouble("degree"),
                        coef0: parameters.optionalDouble("coef0"))
        components = parameters.int("n_components")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        let kernel: Kernel
        /// The basis rows (k x d, row-major) and the normalisation (k x k, row-major).
        public let basis: [Double]
        public let normalization: [Double]
        public let componentCount: Int
        /// The training rows chosen as the basis, in order.
        public let basisRows: [Int]

        public func transform(_ x: Matrix) throws -> Matrix {
            let k = componentCount
            let embedded = try kernel.matrix(x, Matrix(rows: k, columns: inputColumns, values: basis),
                                             operator: Nystroem.name)
            return BLAS.gemm(embedded, Matrix(rows: k, columns: k, values: normalization), transposeB: true)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let n = x.rows
        let k = min(components, n)
        var order = Array(0..<n)
        var rng = context.generator()
        rng.shuffle(&order)
        let rows = Array(order.prefix(k))
        let basis = x.selectingRows(rows)
        let basisKernel = try kernel.matrix(basis, basis, same: true, operator: Self.name)
        guard basisKernel.allFinite else {
            throw OperatorError.numerical(operator: Self.name, detail: "the kernel on the basis is not finite")
        }
        try context.check()
        let (u, s, v) = try BLAS.thinSVD(basisKernel, operator: Self.name)
        var scaled = u
        for j in 0..<k {
            let factor = 1 / max(s[j], 1e-12).squareRoot()
            for i in 0..<k { scaled.values[i * k + j] *= factor }
        }
        let normalization = BLAS.gemm(scaled, v)
        return Fitted(inputColumns: x.columns, kernel: kernel, basis: basis.values,
                      normalization: normalization.values, componentCount: k, basisRows: rows)
    }
}
