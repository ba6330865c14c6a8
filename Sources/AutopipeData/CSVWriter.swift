import Foundation

/// Writes rows of a `Table` back to CSV (comma-separated, RFC 4180 quoting), for example the train and held-out
/// splits a search used (`--save-split`), so another tool can be run on exactly the same rows.
///
/// Cells are written as `Table.text(row:column:)` gives them: categorical cells verbatim, numbers in their shortest
/// round-tripping form, missing cells empty.
public enum CSVWriter {
    /// The CSV text of the header and of `rows` (indices into `table`), in that order.
    public static func text(_ table: Table, rows: [Int]) -> String {
        var out = table.names.map(quoted).joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * table.columnCount * 8)
        for r in rows {
            var first = true
            for c in 0..<table.columnCount {
                if !first { out += "," }
                first = false
                if let cell = table.text(row: r, column: c) { out += quoted(cell) }
            }
            out += "\n"
        }
        return out
    }

    /// Writes the CSV of `rows` to `path` (atomically: a temporary file renamed into place).
    public static func write(_ table: Table, rows: [Int], to path: String) throws {
        do {
            try Data(text(table, rows: rows).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DataError.unreadable(path: path, reason: "cannot write it (\(error.localizedDescription))")
        }
    }

    /// A field, quoted when it holds a comma, a quote, a line break or surrounding spaces (quotes doubled).
    public static func quoted(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
