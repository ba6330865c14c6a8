/// The Preprocessing family's registered operators.
public enum PreprocessingFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(StandardScaler.self),
    ]
}
