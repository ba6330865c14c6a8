// `FeatureImportanceProvider` (FeatureImportanceProvider.swift): a fitted model that can rank its input features,
// like scikit-learn's `feature_importances_`.
//
// Implemented by the fitted trees and forests (DecisionTree*, RandomForest*, ExtraTrees*: `TreeClassifierModel`,
// `TreeRegressorModel`), GradientBoosting* and AdaBoostRegressor: impurity-based (mean decrease in impurity)
// importances, one per input column, non-negative and normalised to sum to 1 (all zeros when no tree ever
// split), computed as scikit-learn computes them (per tree: the sum over its splits of
// `w * impurity - w_left * impurity_left - w_right * impurity_right`, divided by the root weight and normalised;
// forests: the mean over trees that split, normalised; gradient boosting: the mean of the unnormalised per-tree
// values, normalised; AdaBoost: the estimator-weighted mean).
//
// Selectors (RFE, SelectFromModel) build the inner estimator through the registry and read it like this:
//
//     let fitted = try OperatorRegistry.standard.make("ExtraTreesClassifier", parameters).fit(x, y, context: context)
//     let importances = fitted.featureImportances   // [Double]? (nil for models without importances)

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
