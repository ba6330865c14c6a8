import AutopipeData

/// k-nearest-neighbours regression, as scikit-learn's `KNeighborsRegressor` with the Minkowski metric: the mean
/// of the neighbours' targets (uniform) or their inverse-distance weighted mean (distance; a query at distance 0
/// from training rows gets the mean of those rows' targets), with the brute-force search of `NeighborSearch`.
///
/// Grid: TPOT 0.12's (n_neighbors 1...100, weights {uniform, distance}, p {1, 2}). Not parameters: algorithm,
/// leaf_size, metric, metric_params, n_jobs. n_neighbors larger than the training rows is a typed error at fit
/// time (scikit-learn raises it at predict time).
public struct KNeighborsRegressor: Regressor {
    public static let name = "KNeighborsRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "Mean (or distance-weighted mean) of the k nearest neighbours' targets."
    public static let space = ParameterSpace(KNeighborsParameters.specs)

    public let parameters: Parameters
    let k: Int
    let distanceWeighted: Bool
    let p: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        k = parameters.int("n_neighbors")
        distanceWeighted = parameters.string("weights") == "distance"
        p = parameters.double("p")
    }

    public struct Fitted: FittedRegressor {
        public var inputColumns: Int { train.columns }
        let train: Matrix
        let targets: [Double]
        let k: Int
        let distanceWeighted: Bool
        let p: Double
        let cache = NeighborCache()

        enum CodingKeys: String, CodingKey { case train, targets, k, distanceWeighted, p }

        public func predict(_ x: Matrix) throws -> [Double] {
            let (indices, distances) = cache.neighbors(x, NeighborSearch(train: train, k: k, p: p))
            let weights = NeighborSearch.weights(distances, k: k, distanceWeighted: distanceWeighted)
            var out = [Double](repeating: 0, count: x.rows)
            for r in 0..<x.rows {
                var s = 0.0, w = 0.0
                for j in 0..<k {
                    let weight = weights?[r * k + j] ?? 1
                    s += targets[Int(indices[r * k + j])] * weight
                    w += weight
                }
                out[r] = weights == nil ? s / Double(k) : s / w
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        try KNeighborsParameters.check(k, rows: x.rows, operator: Self.name)
        guard y.allSatisfy({ $0.isFinite }) else {
            throw OperatorError.invalidInput(operator: Self.name, reason: "the target contains NaN or infinity")
        }
        return Fitted(train: x, targets: y, k: k, distanceWeighted: distanceWeighted, p: p)
    }
}
