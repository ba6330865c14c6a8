/// The kind of a CSV column after typing.
public enum ColumnKind: String, Codable, Sendable, Hashable {
    /// Every non-missing value parses as a number.
    case numeric
    /// At least one non-missing value is text.
    case categorical
}

/// A parsed CSV: column names, kinds, and every cell as a `Double` in one row-major matrix.
///
/// Numeric columns hold their value, categorical columns the index of the cell's text in `levels[column]`;
/// a missing cell is NaN in both. Keeping the cells in one matrix keeps loading at about one copy of the data.
public struct Table: Sendable {
    public var names: [String]
    public var kinds: [ColumnKind]
    public var cells: Matrix
    /// Per column: the distinct texts of a categorical column, sorted; empty for numeric. Numbers met in a
    /// categorical column are named canonically (`NumberFormatting.text`: `1.50` and `1.5` are both `1.5`).
    public var levels: [[String]]
    /// Per column: how many cells are missing.
    public var missingCounts: [Int]
    /// Where the table came from (a path), for messages.
    public var source: String

    public init(names: [String], kinds: [ColumnKind], cells: Matrix, levels: [[String]], missingCounts: [Int],
                source: String) {
        self.names = names
        self.kinds = kinds
        self.cells = cells
        self.levels = levels
        self.missingCounts = missingCounts
        self.source = source
    }

    public var rowCount: Int { cells.rows }
    public var columnCount: Int { cells.columns }

    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The text of a cell as it appeared in the file (numbers re-formatted), or nil when missing.
    public func text(row: Int, column: Int) -> String? {
        let v = cells[row, column]
        if v.isNaN { return nil }
        switch kinds[column] {
        case .categorical:
            let names = levels[column]
            return v >= 0 && v < Double(names.count) ? names[Int(v)] : nil
        case .numeric: return NumberFormatting.text(v)
        }
    }
}

public enum NumberFormatting {
    /// A compact text for a number: integers without a decimal point, others in Swift's shortest form.
    public static func text(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if let integer = integer(v) { return String(integer) }
        return "\(v)"
    }

    /// The value as an integer when it is one that `text` writes without a decimal point (|v| < 1e15), else nil.
    @inlinable
    public static func integer(_ v: Double) -> Int64? {
        v == v.rounded() && abs(v) < 1e15 ? Int64(v) : nil
    }
}
