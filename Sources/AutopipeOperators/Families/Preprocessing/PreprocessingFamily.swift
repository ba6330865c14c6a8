/// The Preprocessing family's registered operators.
public enum PreprocessingFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(StandardScaler.self),
        OperatorEntry(SimpleImputer.self),
        OperatorEntry(MinMaxScaler.self),
        OperatorEntry(MaxAbsScaler.self),
        OperatorEntry(RobustScaler.self),
        OperatorEntry(Normalizer.self),
        OperatorEntry(Binarizer.self),
        OperatorEntry(PolynomialFeatures.self),
        OperatorEntry(ZeroCount.self),
        OperatorEntry(OneHotEncoder.self),
    ]
}
