/// The Selection family's registered operators.
public enum SelectionFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(VarianceThreshold.self),
        OperatorEntry(SelectPercentile.self),
        OperatorEntry(SelectFwe.self),
    ]
}
