import AutopipeData

/// k-nearest-neighbours classification, as scikit-learn's `KNeighborsClassifier` with the Minkowski metric:
/// brute-force search (see `NeighborSearch`: BLAS for p = 2, a tight loop for p = 1), `predict_proba` as the
/// (uniform or inverse-distance) vote shares of the classes, `predict` as the class with the largest vote (the
/// lowest class index on ties, as scikit-learn's argmax / weighted_mode).
///
/// Grid: TPOT 0.12's (n_neighbors 1...100, weights {uniform, distance}, p {1, 2}). Not parameters: algorithm,
/// leaf_size (they only change speed and, for a KD-tree, which row wins an exact distance tie), metric,
/// metric_params, n_jobs. n_neighbors larger than the training rows is a typed error at fit time (scikit-learn
/// raises it at predict time).
public struct KNeighborsClassifier: Classifier {
    public static let name = "KNeighborsClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "k-nearest-neighbours vote (uniform or distance-weighted), Minkowski distance."
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

    public struct Fitted: FittedClassifier {
        public var inputColumns: Int { train.columns }
        public let classCount: Int
        public var scoresAreProbabilities: Bool { true }
        let train: Matrix
        let labels: [Int32]
        let k: Int
        let distanceWeighted: Bool
        let p: Double
        let cache = NeighborCache()

        enum CodingKeys: String, CodingKey { case classCount, train, labels, k, distanceWeighted, p }

        /// Vote totals per class (n x classCount).
        func votes(_ x: Matrix) -> [Double] {
            let (indices, distances) = cache.neighbors(x, NeighborSearch(train: train, k: k, p: p))
            let weights = NeighborSearch.weights(distances, k: k, distanceWeighted: distanceWeighted)
            var out = [Double](repeating: 0, count: x.rows * classCount)
            for r in 0..<x.rows {
                for j in 0..<k {
                    let label = Int(labels[Int(indices[r * k + j])])
                    out[r * classCount + label] += weights?[r * k + j] ?? 1
                }
            }
            return out
        }

        public func scores(_ x: Matrix) throws -> Matrix {
            var v = votes(x)
            for r in 0..<x.rows {
                var total = 0.0
                for c in 0..<classCount { total += v[r * classCount + c] }
                for c in 0..<classCount { v[r * classCount + c] /= total }
            }
            return Matrix(rows: x.rows, columns: classCount, values: v)
        }

        public func predict(_ x: Matrix) throws -> [Int] {
            Matrix(rows: x.rows, columns: classCount, values: votes(x)).argmaxPerRow()
        }
    }

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        try KNeighborsParameters.check(k, rows: x.rows, operator: Self.name)
        for label in y where label < 0 || label >= classCount {
            throw OperatorError.invalidInput(operator: Self.name, reason: "class index \(label) out of range")
        }
        return Fitted(classCount: classCount, train: x, labels: y.map { Int32($0) }, k: k,
                      distanceWeighted: distanceWeighted, p: p)
    }
}
