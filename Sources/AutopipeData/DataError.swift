/// Everything that can be wrong with input data, each with a message that says what is wrong, where, and how to
/// fix it. The CLI prints `description` and exits with status 2.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case headerOnly(path: String)
    case raggedRow(path: String, line: Int, expected: Int, found: Int)
    case invalidUTF8(path: String, line: Int, column: String?)
    case malformedCSV(path: String, line: Int, reason: String)
    case unclosedQuote(path: String, line: Int)
    case utf16(path: String)
    case unknownColumn(name: String, role: String, columns: [String], suggestion: String?)
    case singleClass(target: String, label: String)
    case classTooSmall(target: String, label: String, count: Int, folds: Int)
    case allMissingColumn(path: String, name: String)
    case noRows(target: String)
    case noFeatures(target: String)
    case nonNumericRegressionTarget(target: String, example: String)
    case nonFiniteTarget(target: String, row: Int)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "cannot open '\(path)': no such file. Check the path (it is relative to the current directory)."
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)."
        case .emptyFile(let path):
            return "'\(path)' is empty: a CSV needs a header row and at least one data row."
        case .headerOnly(let path):
            return "'\(path)' has a header row but no data rows: add data rows below the header."
        case .raggedRow(let path, let line, let expected, let found):
            return "\(path):\(line): this row has \(found) field\(found == 1 ? "" : "s") but the header has \(expected). "
                + "Fix the row (a missing or extra delimiter, or an unquoted field containing one), "
                + "or pass --delimiter if the file uses another separator."
        case .invalidUTF8(let path, let line, let column):
            let where_ = column.map { " in column '\($0)'" } ?? ""
            return "\(path):\(line): invalid UTF-8\(where_). Re-save the file as UTF-8 "
                + "(for example: iconv -f LATIN1 -t UTF-8 in.csv > out.csv)."
        case .malformedCSV(let path, let line, let reason):
            return "\(path):\(line): malformed CSV: \(reason)."
        case .utf16(let path):
            return "'\(path)' is UTF-16 text, but autopipe reads UTF-8. Convert it first "
                + "(for example: iconv -f UTF-16 -t UTF-8 in.csv > out.csv)."
        case .unclosedQuote(let path, let line):
            return "\(path):\(line): a quoted field starts here but its closing quote is missing, so the rest of the "
                + "file would be read as one field. Close the quote (a quote inside a quoted field is written \"\")."
        case .unknownColumn(let name, let role, let columns, let suggestion):
            var text = "no column named '\(name)' for \(role)."
            if let suggestion { text += " Did you mean '\(suggestion)'?" }
            text += " Columns: " + columns.map { "'\($0)'" }.joined(separator: ", ") + "."
            return text
        case .singleClass(let target, let label):
            return "target '\(target)' has only one class ('\(label)'): classification needs at least two. "
                + "Check the target column, or pass --task regression if it is a quantity."
        case .classTooSmall(let target, let label, let count, let folds):
            let fix = count >= 2
                ? "Use --cv \(count) or less, a smaller --test-size, or remove the rare class."
                : "Cross-validation needs at least 2 rows of every class: add rows, use a smaller --test-size, "
                    + "or remove the rare class."
            return "class '\(label)' of target '\(target)' has \(count) row\(count == 1 ? "" : "s") in the training split, "
                + "fewer than the \(folds) cross-validation folds. " + fix
        case .allMissingColumn(let path, let name):
            return "\(path): column '\(name)' has no values (every entry is missing). "
                + "Remove it, or pass --ignore-columns '\(name)'."
        case .noRows(let target):
            return "no rows left: every row has a missing value in target '\(target)'."
        case .noFeatures(let target):
            return "no feature columns: the file has only the target '\(target)' (and ignored columns)."
        case .nonNumericRegressionTarget(let target, let example):
            return "target '\(target)' is not numeric (for example '\(example)'), so it cannot be used for regression. "
                + "Drop --task regression to classify it instead."
        case .nonFiniteTarget(let target, let row):
            return "target '\(target)' is infinite in data row \(row): targets must be finite numbers."
        case .invalidOption(let message):
            return message
        }
    }
}

/// Edit distance used to suggest the closest column name.
public enum NameSuggestion {
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let lower = name.lowercased()
        if let exact = candidates.first(where: { $0.lowercased() == lower }) { return exact }
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(lower, candidate.lowercased())
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        return d <= max(2, candidate.count / 3) ? candidate : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
