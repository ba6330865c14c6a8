/// The Linear family's registered operators.
public enum LinearFamily {
    public static let entries: [OperatorEntry] = []
}
