/// The Decomposition family's registered operators.
public enum DecompositionFamily {
    public static let entries: [OperatorEntry] = []
}
