import AutopipeData
import AutopipeOperators

/// The built-in operator configurations selectable by `--config`.
///
/// - `default`: every registered operator with its declared grid (TPOT 0.12's default configuration).
/// - `light`: TPOT light's fast subset (`tpot/config/classifier_light.py` and `regressor_light.py` of TPOT
///   0.12.2). Its grids are the operators' declared grids: for every operator it lists, TPOT light's values are
///   the same as TPOT's default configuration's. Operators this build does not have are skipped (and listed by
///   `--list-operators`), so they join the preset as soon as they are registered.
public enum ConfigPreset: String, Sendable, CaseIterable {
    case `default`
    case light

    /// TPOT light's classifier configuration, in its order.
    public static let lightClassification = [
        "GaussianNB", "BernoulliNB", "MultinomialNB", "DecisionTreeClassifier", "KNeighborsClassifier",
        "LogisticRegression",
        "Binarizer", "FeatureAgglomeration", "MaxAbsScaler", "MinMaxScaler", "Normalizer", "PCA", "RBFSampler",
        "RobustScaler", "StandardScaler", "ZeroCount",
        "SelectFwe", "SelectPercentile", "VarianceThreshold",
    ]

    /// TPOT light's regressor configuration, in its order (it adds Nystroem to the preprocessors).
    public static let lightRegression = [
        "ElasticNetCV", "DecisionTreeRegressor", "KNeighborsRegressor", "LassoLarsCV", "LinearSVR", "RidgeCV",
        "Binarizer", "FeatureAgglomeration", "MaxAbsScaler", "MinMaxScaler", "Normalizer", "Nystroem", "PCA",
        "RBFSampler", "RobustScaler", "StandardScaler", "ZeroCount",
        "SelectFwe", "SelectPercentile", "VarianceThreshold",
    ]

    /// What `--help` and `--list-operators` say about the preset.
    public var summary: String {
        switch self {
        case .default: return "every registered operator with TPOT's default grids"
        case .light: return "TPOT light's fast subset (no ensembles, no slow kernels)"
        }
    }

    /// The preset's space over `registry` (in registry order).
    public func space(registry: OperatorRegistry = .standard) -> SearchSpace {
        switch self {
        case .default:
            return .standard(registry: registry)
        case .light:
            let classification = Set(Self.lightClassification), regression = Set(Self.lightRegression)
            let entries = registry.entries.compactMap { entry -> SearchSpace.Entry? in
                var tasks: Set<Task> = []
                if classification.contains(entry.name) { tasks.insert(.classification) }
                if regression.contains(entry.name) { tasks.insert(.regression) }
                if tasks.isEmpty { return nil }
                return SearchSpace.Entry(declared: entry, tasks: tasks.count == Task.allCases.count ? nil : tasks)
            }
            var unavailable: [String] = []
            for name in Self.lightClassification + Self.lightRegression
                where registry.entry(named: name) == nil && !unavailable.contains(name) {
                unavailable.append(name)
            }
            return SearchSpace(name: rawValue, entries: entries, unavailable: unavailable)
        }
    }
}
