/// The Selection family's registered operators.
public enum SelectionFamily {
    /// RFE and SelectFromModel need the trees family's ExtraTrees (through the registry); they are registered
    /// only when those are, so the registry never offers an operator that cannot fit.
    public static let entries: [OperatorEntry] = [
        OperatorEntry(VarianceThreshold.self),
        OperatorEntry(SelectPercentile.self),
        OperatorEntry(SelectFwe.self),
    ] + (TreeImportances.available ? [OperatorEntry(RFE.self), OperatorEntry(SelectFromModel.self)] : [])
}
