import AutopipeData

/// Maps each value to 1 when it is strictly greater than `threshold`, else 0, as scikit-learn's `Binarizer`.
public struct Binarizer: Transformer {
    public static let name = "Binarizer"
    public static let role = OperatorRole.transformer
    public static let summary = "Sets values above a threshold to 1 and the others to 0."
    /// TPOT's grid: `np.arange(0.0, 1.01, 0.05)`, written as exact decimals.
    public static let space: ParameterSpace = [
        .real("threshold", default: 0.0, grid: (0...20).map { Double($0) / 20 }),
    ]

    public let parameters: Parameters
    let threshold: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        threshold = parameters.double("threshold")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let threshold: Double

        public func transform(_ x: Matrix) throws -> Matrix {
            var out = x
            let t = threshold
            out.values.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count { v[i] = v[i] > t ? 1 : 0 }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        Fitted(inputColumns: x.columns, threshold: threshold)
    }
}
