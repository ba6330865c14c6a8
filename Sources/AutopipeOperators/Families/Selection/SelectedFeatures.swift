import AutopipeData

/// The fitted state of every selector: the kept input columns, ascending.
public struct SelectedFeatures: FittedTransformer {
    public let inputColumns: Int
    public let selected: [Int]

    /// Builds the state from a support mask; a selection that keeps no feature is a typed error (scikit-learn
    /// would return an empty matrix, which breaks the next step).
    init(support: [Bool], operator name: String, reason: @autoclosure () -> String) throws {
        let selected = support.indices.filter { support[$0] }
        if selected.isEmpty {
            throw OperatorError.invalidInput(operator: name, reason: "no feature selected: " + reason())
        }
        self.inputColumns = support.count
        self.selected = selected
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        x.selectingColumns(selected)
    }
}
