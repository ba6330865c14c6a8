import AutopipeData

/// Divides each column by its largest absolute training value (1 for an all-zero column), as scikit-learn's
/// `MaxAbsScaler`.
public struct MaxAbsScaler: Transformer {
    public static let name = "MaxAbsScaler"
    public static let role = OperatorRole.transformer
    public static let summary = "Scales each feature by its maximum absolute value."
    public static let space: ParameterSpace = []

    public let parameters: Parameters

    public init(validated parameters: Parameters) {
        self.parameters = parameters
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let scale: [Double]

        public func transform(_ x: Matrix) throws -> Matrix {
            ScalingSupport.centerAndDivide(x, center: nil, scale: scale)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let columns = x.columns
        var maxAbs = [Double](repeating: 0, count: columns)
        x.values.withUnsafeBufferPointer { v in
            maxAbs.withUnsafeMutableBufferPointer { m in
                for r in 0..<x.rows {
                    let base = r * columns
                    for c in 0..<columns {
                        let value = abs(v[base + c])
                        m[c] = value > m[c] ? value : m[c]
                    }
                }
            }
        }
        return Fitted(inputColumns: columns, scale: maxAbs.map(ScalingSupport.nonZeroScale))
    }
}
