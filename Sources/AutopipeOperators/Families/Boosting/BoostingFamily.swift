/// The Boosting family's registered operators.
public enum BoostingFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(HistGradientBoostingClassifier.self),
        OperatorEntry(HistGradientBoostingRegressor.self),
        OperatorEntry(GradientBoostingClassifier.self),
        OperatorEntry(GradientBoostingRegressor.self),
        OperatorEntry(AdaBoostRegressor.self),
    ]
}
