import AutopipeData

/// Keeps the features whose training variance is above `threshold`, as scikit-learn's `VarianceThreshold`:
/// population variance (two-pass, as `np.nanvar`); with threshold 0 the variance is replaced by the
/// peak-to-peak range when smaller, so constant columns are dropped despite round-off. A fit where no feature
/// passes is a typed error, as scikit-learn raises "No feature in X meets the variance threshold".
public struct VarianceThreshold: Transformer {
    public static let name = "VarianceThreshold"
    public static let role = OperatorRole.selector
    public static let summary = "Removes features whose variance is at or below a threshold."
    public static let space: ParameterSpace = [
        .real("threshold", atLeast: 0, default: 0.0, grid: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.2]),
    ]

    public let parameters: Parameters
    let threshold: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        threshold = parameters.double("threshold")
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> SelectedFeatures {
        let variances = Self.variances(x, peakToPeak: threshold == 0)
        var message = "no feature in X meets the variance threshold \(threshold)"
        if x.rows == 1 { message += " (X contains only one sample)" }
        return try SelectedFeatures(support: variances.map { $0.isFinite && $0 > threshold },
                                    operator: Self.name, reason: message)
    }

    /// Per-column population variance (mean first, then mean squared deviation); with `peakToPeak`, the smaller
    /// of the variance and max - min.
    static func variances(_ x: Matrix, peakToPeak: Bool) -> [Double] {
        let n = x.rows, d = x.columns
        var mean = [Double](repeating: 0, count: d)
        var lo = [Double](repeating: .infinity, count: d)
        var hi = [Double](repeating: -.infinity, count: d)
        var m2 = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let value = v[base + c]
                    mean[c] += value
                    if value < lo[c] { lo[c] = value }
                    if value > hi[c] { hi[c] = value }
                }
            }
            for c in 0..<d { mean[c] /= Double(n) }
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let delta = v[base + c] - mean[c]
                    m2[c] += delta * delta
                }
            }
        }
        return (0..<d).map { c in
            let variance = m2[c] / Double(n)
            return peakToPeak ? min(variance, hi[c] - lo[c]) : variance
        }
    }
}
