/// The Linear family's registered operators.
public enum LinearFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(LogisticRegression.self),
        OperatorEntry(LinearSVC.self),
        OperatorEntry(LinearSVR.self),
        OperatorEntry(SGDClassifier.self),
        OperatorEntry(SGDRegressor.self),
        OperatorEntry(RidgeCV.self),
        OperatorEntry(ElasticNetCV.self),
        OperatorEntry(LassoLarsCV.self),
    ]
}
