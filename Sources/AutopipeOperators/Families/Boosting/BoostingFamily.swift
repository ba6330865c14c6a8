/// The Boosting family's registered operators.
public enum BoostingFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(GradientBoostingClassifier.self),
        OperatorEntry(GradientBoostingRegressor.self),
        OperatorEntry(AdaBoostRegressor.self),
    ]
}
