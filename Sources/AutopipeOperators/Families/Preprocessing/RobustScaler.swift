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
            let (storage, offsets) = try ScalingSupport.sortedColumns(x, context: context)
            storage.withUnsafeBufferPointer { s in
                for c in 0..<columns {
                    let column = UnsafeBufferPointer(rebasing: s[offsets[c]..<offsets[c + 1]])
                    if withCentering { center[c] = ScalingSupport.median(sorted: column) }
                    if withScaling {
                        let range = ScalingSupport.percentile(sorted: column, 75) - ScalingSupport.percentile(sorted: column, 25)
                        scale[c] = ScalingSupport.nonZeroScale(range)
                        if unitVariance { scale[c] /= Self.normalInterquartileRange }
                    }
                }
            }
        }
        return Fitted(inputColumns: columns, center: center, scale: scale)
    }
}
