import AutopipeData

/// Parameters shared by KNeighborsClassifier and KNeighborsRegressor, with scikit-learn 1.5.2's domains and
/// defaults and TPOT 0.12's grid (n_neighbors 1...100, weights {uniform, distance}, p {1, 2}).
enum KNeighborsParameters {
    static let specs: [ParameterSpec] = [
        .integer("n_neighbors", 1..., default: 5, grid: Array(1...100), doc: "Number of neighbours."),
        .choice("weights", ["uniform", "distance"], default: "uniform",
                doc: "Equal votes, or votes weighted by inverse distance."),
        .real("p", above: 0, default: 2.0, grid: [1, 2], doc: "Minkowski power (1: Manhattan, 2: Euclidean)."),
    ]

    /// scikit-learn raises at prediction time when n_neighbors exceeds the training rows; autopipe raises the same
    /// condition, as a typed error, when fitting.
    static func check(_ k: Int, rows: Int, operator name: String) throws {
        if k > rows {
            throw OperatorError.invalidInput(operator: name,
                reason: "Expected n_neighbors <= n_samples_fit, but n_neighbors = \(k), n_samples_fit = \(rows)")
        }
    }
}
