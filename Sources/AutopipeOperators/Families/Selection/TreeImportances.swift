import AutopipeData

/// The inner model of RFE and SelectFromModel: TPOT's ExtraTreesClassifier (class targets) or
/// ExtraTreesRegressor (real targets), built through the registry and read through `FeatureImportanceProvider`.
/// The inner parameters are the wrapper's `estimator__*` parameters (scikit-learn's nested-parameter names).
enum TreeImportances {
    /// `estimator__n_estimators`, `estimator__criterion`, `estimator__max_features`: TPOT's inner grid.
    static let specs: [ParameterSpec] = [
        .integer("estimator__n_estimators", 1..., default: 100, grid: [100]),
        .choice("estimator__criterion", ["gini", "entropy", "log_loss"], default: "gini", grid: ["gini", "entropy"],
                doc: "Classification only; the regressor uses squared_error."),
        .real("estimator__max_features", above: 0, atMost: 1, default: 1.0, grid: (1...20).map { Double($0) / 20 }),
    ]

    struct Settings: Sendable {
        let estimators: Int
        let criterion: String
        let maxFeatures: Double

        init(_ parameters: Parameters) {
            estimators = parameters.int("estimator__n_estimators")
            criterion = parameters.string("estimator__criterion")
            maxFeatures = parameters.double("estimator__max_features")
        }
    }

    /// Whether the registry holds the inner models (the trees family).
    static var available: Bool {
        let names = Set(TreeFamily.entries.map(\.name))
        return names.contains("ExtraTreesClassifier") && names.contains("ExtraTreesRegressor")
    }

    /// Fits the inner model on `x` and returns its feature importances (one per column).
    static func importances(_ x: Matrix, _ y: Targets, _ settings: Settings, operator name: String,
                            context: FitContext) throws -> [Double] {
        let model: AnyOperator
        switch y {
        case .classes:
            model = try OperatorRegistry.standard.make("ExtraTreesClassifier", [
                "n_estimators": .int(settings.estimators), "criterion": .string(settings.criterion),
                "max_features": .double(settings.maxFeatures),
            ])
        case .values:
            model = try OperatorRegistry.standard.make("ExtraTreesRegressor", [
                "n_estimators": .int(settings.estimators), "max_features": .double(settings.maxFeatures),
            ])
        }
        let fitted = try model.fit(x, y, context: context)
        let provider: FeatureImportanceProvider?
        switch fitted.model {
        case .classifier(let m): provider = m as? FeatureImportanceProvider
        case .regressor(let m): provider = m as? FeatureImportanceProvider
        case .transformer(let m): provider = m as? FeatureImportanceProvider
        }
        guard let importances = provider?.featureImportances, importances.count == x.columns else {
            throw OperatorError.invalidInput(operator: name,
                reason: "the inner \(model.name) does not report one feature importance per column")
        }
        return importances
    }
}
