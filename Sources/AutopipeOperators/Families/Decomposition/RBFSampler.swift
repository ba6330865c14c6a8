import AutopipeData
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Random Fourier features approximating the RBF kernel exp(-gamma ‖x - y‖²), as scikit-learn 1.5's
/// `RBFSampler`: weights `sqrt(2 gamma) N(0, 1)` (d x n_components), offsets uniform in [0, 2π), transform
/// `sqrt(2 / n_components) cos(X W + b)`. The weights come from the fit's seed, so outputs match scikit-learn's
/// in distribution only; tests check the kernel approximation error and determinism.
///
/// Deliberate difference: gamma='scale' is not offered (the parameter table cannot mix a string and a real).
public struct RBFSampler: Transformer {
    public static let name = "RBFSampler"
    public static let role = OperatorRole.transformer
    public static let summary = "Random Fourier features approximating an RBF kernel."
    public static let space: ParameterSpace = [
        .real("gamma", atLeast: 0, default: 1.0, grid: (0...20).map { Double($0) / 20 }),
        .integer("n_components", 1..., default: 100),
    ]

    public let parameters: Parameters
    let gamma: Double
    let components: Int

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        gamma = parameters.double("gamma")
        components = parameters.int("n_components")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        /// d x n_components, row-major.
        public let weights: [Double]
        public let offsets: [Double]

        public func transform(_ x: Matrix) throws -> Matrix {
            let k = offsets.count
            var projection = BLAS.gemm(x, Matrix(rows: inputColumns, columns: k, values: weights))
            let scale = (2.0 / Double(k)).squareRoot()
            projection.values.withUnsafeMutableBufferPointer { v in
                offsets.withUnsafeBufferPointer { b in VectorMath.cosine(v, offsets: b, scale: scale) }
            }
            return projection
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        var rng = context.generator()
        let factor = (2 * gamma).squareRoot()
        let weights = (0..<(x.columns * components)).map { _ in factor * rng.nextGaussian() }
        let offsets = (0..<components).map { _ in rng.nextDouble() * 2 * Double.pi }
        return Fitted(inputColumns: x.columns, weights: weights, offsets: offsets)
    }
}
