import AutopipeData

/// Scales each column to [0, 1] from its training minimum and maximum, as scikit-learn's `MinMaxScaler` with
/// `feature_range=(0, 1)`: `scale = 1 / (max - min)` (1 for a constant column), `min = -data_min * scale`,
/// transform `x * scale + min` in that order, then clipping to [0, 1] when `clip` is true.
///
/// Deliberate difference: `feature_range` (a tuple) is not a parameter; it is always (0, 1), TPOT's setting.
public struct MinMaxScaler: Transformer {
    public static let name = "MinMaxScaler"
    public static let role = OperatorRole.transformer
    public static let summary = "Scales each feature to the [0, 1] range of its training values."
    public static let space: ParameterSpace = [
        .boolean("clip", default: false, grid: []),
    ]

    public let parameters: Parameters
    let clip: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        clip = parameters.bool("clip")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let scale: [Double]
        public let offset: [Double]
        public let clip: Bool

        public func transform(_ x: Matrix) throws -> Matrix {
            var out = ScalingSupport.affine(x, scale: scale, offset: offset)
            if clip {
                out.values.withUnsafeMutableBufferPointer { v in
                    for i in 0..<v.count { v[i] = min(max(v[i], 0), 1) }
                }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let columns = x.columns
        var lo = [Double](repeating: .infinity, count: columns)
        var hi = [Double](repeating: -.infinity, count: columns)
        x.values.withUnsafeBufferPointer { v in
            lo.withUnsafeMutableBufferPointer { low in
                hi.withUnsafeMutableBufferPointer { high in
                    for r in 0..<x.rows {
                        let base = r * columns
                        for c in 0..<columns {
                            let value = v[base + c]
                            low[c] = value < low[c] ? value : low[c]
                            high[c] = value > high[c] ? value : high[c]
                        }
                    }
                }
            }
        }
        var scale = [Double](repeating: 1, count: columns)
        var offset = [Double](repeating: 0, count: columns)
        for c in 0..<columns {
            scale[c] = 1 / ScalingSupport.nonZeroScale(hi[c] - lo[c])
            offset[c] = 0 - lo[c] * scale[c]
        }
        return Fitted(inputColumns: columns, scale: scale, offset: offset, clip: clip)
    }
}
