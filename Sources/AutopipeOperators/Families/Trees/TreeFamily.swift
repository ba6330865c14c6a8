/// The Trees family's registered operators.
public enum TreeFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(DecisionTreeClassifier.self),
        OperatorEntry(DecisionTreeRegressor.self),
        OperatorEntry(RandomForestClassifier.self),
        OperatorEntry(RandomForestRegressor.self),
        OperatorEntry(ExtraTreesClassifier.self),
        OperatorEntry(ExtraTreesRegressor.self),
    ]
}
