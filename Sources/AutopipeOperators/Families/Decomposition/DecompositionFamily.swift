/// The Decomposition family's registered operators.
public enum DecompositionFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(PCA.self),
        OperatorEntry(FastICA.self),
        OperatorEntry(FeatureAgglomeration.self),
        OperatorEntry(Nystroem.self),
        OperatorEntry(RBFSampler.self),
    ]
}
