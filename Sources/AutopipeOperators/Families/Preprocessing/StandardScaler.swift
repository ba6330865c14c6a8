import AutopipeData

/// Standardises each column to zero mean and unit variance (population variance, as scikit-learn).
public struct StandardScaler: Transformer {
    public static let name = "StandardScaler"
    public static let role = OperatorRole.transformer
    public static let summary = "Removes the mean and scales each feature to unit variance."
    public static let space: ParameterSpace = [
        .boolean("with_mean", default: true, grid: []),
        .boolean("with_std", default: true, grid: []),
    ]

    public let parameters: Parameters
    let withMean: Bool
    let withStd: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        withMean = parameters.bool("with_mean")
        withStd = parameters.bool("with_std")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let mean: [Double]
        public let scale: [Double]

        public func transform(_ x: Matrix) throws -> Matrix {
            var out = x
            let columns = x.columns
            out.values.withUnsafeMutableBufferPointer { v in
                mean.withUnsafeBufferPointer { m in
                    scale.withUnsafeBufferPointer { s in
                        for r in 0..<x.rows {
                            let base = r * columns
                            for c in 0..<columns { v[base + c] = (v[base + c] - m[c]) / s[c] }
                        }
                    }
                }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let stats = ColumnStatistics(x)
        let mean = withMean ? stats.mean : [Double](repeating: 0, count: x.columns)
        // Constant columns keep scale 1 (scikit-learn's behaviour), so they map to 0 rather than NaN.
        let scale = withStd ? stats.variance.map { v in v > 0 && v.squareRoot() > 10 * Double.ulpOfOne ? v.squareRoot() : 1 }
                            : [Double](repeating: 1, count: x.columns)
        return Fitted(inputColumns: x.columns, mean: mean, scale: scale)
    }
}

/// Per-column mean and population variance, computed in one pass with Welford's update per column.
public struct ColumnStatistics: Sendable {
    public let mean: [Double]
    public let variance: [Double]

    public init(_ x: Matrix) {
        let n = x.rows, d = x.columns
        var mean = [Double](repeating: 0, count: d)
        var m2 = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * d
                let count = Double(r + 1)
                for c in 0..<d {
                    let value = v[base + c]
                    let delta = value - mean[c]
                    mean[c] += delta / count
                    m2[c] += delta * (value - mean[c])
                }
            }
        }
        self.mean = mean
        variance = m2.map { n > 0 ? $0 / Double(n) : 0 }
    }
}
