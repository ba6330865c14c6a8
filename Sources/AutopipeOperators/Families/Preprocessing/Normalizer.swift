import AutopipeData

/// Scales each row to unit norm, as scikit-learn's `Normalizer`: `l1` (sum of absolute values), `l2` (Euclidean)
/// or `max` (largest absolute value); a zero-norm row is left unchanged. Stateless: fit only records the width.
public struct Normalizer: Transformer {
    public static let name = "Normalizer"
    public static let role = OperatorRole.transformer
    public static let summary = "Scales each sample (row) to unit l1, l2 or max norm."
    public static let space: ParameterSpace = [
        .choice("norm", ["l1", "l2", "max"], default: "l2"),
    ]

    public let parameters: Parameters
    let norm: String

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        norm = parameters.string("norm")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let norm: String

        public func transform(_ x: Matrix) throws -> Matrix {
            var out = x
            let columns = x.columns
            let kind = norm
            out.values.withUnsafeMutableBufferPointer { v in
                for r in 0..<x.rows {
                    let base = r * columns
                    var n = 0.0
                    switch kind {
                    case "l1": for c in 0..<columns { n += abs(v[base + c]) }
                    case "max": for c in 0..<columns { n = max(n, abs(v[base + c])) }
                    default:
                        for c in 0..<columns { n += v[base + c] * v[base + c] }
                        n = n.squareRoot()
                    }
                    n = ScalingSupport.nonZeroScale(n)
                    for c in 0..<columns { v[base + c] /= n }
                }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        Fitted(inputColumns: x.columns, norm: norm)
    }
}
