/// The Selection family's registered operators.
public enum SelectionFamily {
    public static let entries: [OperatorEntry] = []
}
