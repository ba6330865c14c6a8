/// The Neural family's registered operators.
public enum NeuralFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(MLPClassifier.self),
    ]
}
