/// A fitted model that can rank its input features, like scikit-learn's `feature_importances_`.
///
/// Implemented by the fitted trees and forests (DecisionTree*, RandomForest*, ExtraTrees*) and the gradient
/// boosting models: impurity-based (mean decrease in impurity) importances, one per input column, non-negative and
/// normalised to sum to 1 (all zeros when no tree ever split), as scikit-learn computes them.
///
/// Selectors (RFE, SelectFromModel) build an inner estimator through the registry and read it like this:
///
///     let fitted = try OperatorRegistry.standard.make("ExtraTreesClassifier", parameters).fit(x, y, context: context)
///     guard let importances = fitted.featureImportances else { ... }   // AnyFitted convenience below
public protocol FeatureImportanceProvider {
    var featureImportances: [Double] { get }
}

extension AnyFitted {
    /// The model's `feature_importances_` when it provides them (see `FeatureImportanceProvider`), else nil.
    public var featureImportances: [Double]? {
        switch model {
        case .classifier(let m): return (m as? any FeatureImportanceProvider)?.featureImportances
        case .regressor(let m): return (m as? any FeatureImportanceProvider)?.featureImportances
        case .transformer(let m): return (m as? any FeatureImportanceProvider)?.featureImportances
        }
    }
}
