/// The Neighbors family's registered operators.
public enum NeighborsFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(KNeighborsClassifier.self),
        OperatorEntry(KNeighborsRegressor.self),
    ]
}
