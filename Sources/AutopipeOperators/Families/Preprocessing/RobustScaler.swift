import AutopipeData

/// Centres each column on its median and divides by its interquartile range, as scikit-learn's `RobustScaler`
/// with `quantile_range=(25.0, 75.0)`: quantiles by numpy's linear interpolation, a zero range becomes 1, and
/// `unit_variance` divides the scale by `norm.ppf(0.75) - norm.ppf(0.25)`.
///
/// Deliberate difference: `quantile_range` (a tuple) is not a parameter; it is always (25, 75).
public struct RobustScaler: Transformer {
    public static let name = "RobustScaler"
    public static let role = OperatorRole.transformer
    public static let summary = "Centres each feature on its median and scales it by its interquartile range."
    public static let space: ParameterSpace = [
        .boolean("with_centering", default: true, grid: []),
        .boolean("with_scaling", default: true, grid: []),
        .boolean("unit_variance", default: false, grid: []),
    ]

    /// `scipy.stats.norm.ppf(0.75) - scipy.stats.norm.ppf(0.25)`.
    static let normalInterquartileRange = 1.3489795003921634

    public let parameters: Parameters
    let withCentering: Bool
    let withScaling: Bool
    let unitVariance: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        withCentering = parameters.bool("with_centering")
        withScaling = parameters.bool("with_scaling")
        unitVariance = parameters.bool("unit_variance")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let center: [Double]
        public let scale: [Double]

        public func transform(_ x: Matrix) throws -> Matrix {
            ScalingSupport.centerAndDivide(x, center: center, scale: scale)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let columns = x.columns
        var center = [Double](repeating: 0, count: columns)
        var scale = [Double](repeating: 1, count: columns)
        if withCentering || withScaling {
            var (storage, offsets) = try ScalingSupport.columnsWithoutNaN(x, context: context)
            try storage.withUnsafeMutableBufferPointer { s in
                for c in 0..<columns {
                    try context.check()
                    let n = offsets[c + 1] - offsets[c]
                    guard n > 0 else { center[c] = .nan; scale[c] = .nan; continue }
                    let column = UnsafeMutableBufferPointer(rebasing: s[offsets[c]..<offsets[c + 1]])
                    // Every rank needed (median and both quartiles), selected in one ascending sweep.
                    let q25 = ScalingSupport.percentileRanks(count: n, 25)
                    let q75 = ScalingSupport.percentileRanks(count: n, 75)
                    let m = (n - 1) / 2, m2 = n / 2
                    let ranks = Array(Set([q25.0, q25.1, m, m2, q75.0, q75.1])).sorted()
                    let values = ScalingSupport.orderStatistics(column, ranks: ranks)
                    var at: [Int: Double] = [:]
                    for (rank, value) in zip(ranks, values) { at[rank] = value }
                    if withCentering {
                        center[c] = n % 2 == 1 ? (at[m] ?? .nan) : ((at[m] ?? .nan) + (at[m2] ?? .nan)) / 2
                    }
                    if withScaling {
                        let high = ScalingSupport.lerp(at[q75.0] ?? .nan, at[q75.1] ?? .nan, q75.2)
                        let low = ScalingSupport.lerp(at[q25.0] ?? .nan, at[q25.1] ?? .nan, q25.2)
                        scale[c] = ScalingSupport.nonZeroScale(high - low)
                        if unitVariance { scale[c] /= Self.normalInterquartileRange }
                    }
                }
            }
        }
        return Fitted(inputColumns: columns, center: center, scale: scale)
    }
}
