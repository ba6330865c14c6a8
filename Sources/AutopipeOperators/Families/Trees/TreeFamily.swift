/// The Trees family's registered operators.
public enum TreeFamily {
    public static let entries: [OperatorEntry] = []
}
