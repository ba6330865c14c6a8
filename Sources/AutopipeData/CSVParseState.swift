/// The mutable state of one CSV read, driven by libcsv's field and row callbacks.
///
/// Cells go straight into one row-major `[Double]`: numbers as parsed, texts as per-column codes, missing as NaN.
/// A column that meets its first text turns categorical; the numbers it already holds become texts.
final class CSVParseState {
    let path: String
    let missingMarkers: Set<String>
    let fileSize: Int
    var bytesConsumed = 0

    var header: [String]?
    var columnCount = 0
    var kinds: [ColumnKind] = []
    var levels: [[String]] = []
    var levelIndex: [[String: Int]] = []
    var missingCounts: [Int] = []
    var cells: [Double] = []
    var rows = 0

    var headerFields: [String] = []
    var fieldInRow = 0
    var line = 1                 // the current physical line (1-based)
    var rowStartLine = 1
    var rowHasFields = false
    var error: DataError?
    private var reserved = false

    init(path: String, missingMarkers: Set<String>, fileSize: Int) {
        self.path = path
        self.missingMarkers = missingMarkers
        self.fileSize = fileSize
    }

    @inline(__always)
    func field(_ bytes: UnsafeRawBufferPointer) {
        if error != nil { return }
        if !rowHasFields {
            rowHasFields = true
            rowStartLine = line
        }
        if bytes.count > 0, memchr(bytes.baseAddress!, 0x0A, bytes.count) != nil {
            for byte in bytes where byte == 0x0A { line += 1 }
        }
        guard header != nil else {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                error = .invalidUTF8(path: path, line: rowStartLine, column: nil)
                return
            }
            headerFields.append(text.trimmingSpaces())
            return
        }
        let column = fieldInRow
        fieldInRow += 1
        if column >= columnCount { return }     // reported as a ragged row at the end of the row
        if kinds[column] == .numeric {
            if let value = NumberParsing.parse(bytes) {
                cells.append(value)
                return
            }
            if isMissing(bytes) {
                cells.append(.nan)
                missingCounts[column] += 1
                return
            }
            makeCategorical(column)
        } else if isMissing(bytes) {
            cells.append(.nan)
            missingCounts[column] += 1
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            error = .invalidUTF8(path: path, line: rowStartLine, column: header?[column])
            return
        }
        cells.append(Double(intern(text.trimmingSpaces(), column: column)))
    }

    @inline(__always)
    func isMissing(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if bytes.count > 8 { return false }
        if bytes.count == 0 { return true }
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        return missingMarkers.contains(text.trimmingSpaces())
    }

    func intern(_ text: String, column: Int) -> Int {
        if let code = levelIndex[column][text] { return code }
        let code = levels[column].count
        levels[column].append(text)
        levelIndex[column][text] = code
        return code
    }

    /// Turns a numeric column categorical: the numbers read so far become texts.
    func makeCategorical(_ column: Int) {
        kinds[column] = .categorical
        cells.withUnsafeMutableBufferPointer { buffer in
            var index = column
            while index < buffer.count {
                let value = buffer[index]
                if !value.isNaN { buffer[index] = Double(intern(NumberFormatting.text(value), column: column)) }
                index += columnCount
            }
        }
    }

    func endRow(terminator: Int32) {
        if error != nil { return }
        defer {
            if terminator == 0x0A { line += 1 }
            fieldInRow = 0
            rowHasFields = false
        }
        guard rowHasFields else { return }       // a blank line, or the LF of a CRLF
        guard header != nil else {
            startTable()
            return
        }
        if fieldInRow != columnCount {
            error = .raggedRow(path: path, line: rowStartLine, expected: columnCount, found: fieldInRow)
            return
        }
        rows += 1
        if !reserved, bytesConsumed > 0 || rows >= 4096 { reserveForFile() }
    }

    func startTable() {
        var names: [String] = []
        var seen: [String: Int] = [:]
        for (i, raw) in headerFields.enumerated() {
            var name = raw.isEmpty ? "column_\(i + 1)" : raw
            if let count = seen[name] {
                seen[name] = count + 1
                name = "\(name).\(count)"
            } else {
                seen[name] = 1
            }
            names.append(name)
        }
        header = names
        columnCount = names.count
        kinds = Array(repeating: .numeric, count: columnCount)
        levels = Array(repeating: [], count: columnCount)
        levelIndex = Array(repeating: [:], count: columnCount)
        missingCounts = Array(repeating: 0, count: columnCount)
        cells.reserveCapacity(columnCount * 4096)
    }

    /// Reserves room for the whole file from the bytes per row seen so far, so the cell array grows once
    /// instead of doubling (which would briefly hold three copies).
    func reserveForFile() {
        reserved = true
        let consumed = max(bytesConsumed, 1)
        guard rows > 0, fileSize > consumed else { return }
        let bytesPerRow = Double(consumed) / Double(rows)
        let estimatedRows = Int(Double(fileSize) / bytesPerRow * 1.02) + 64
        cells.reserveCapacity(estimatedRows * columnCount)
    }

    func finish() throws -> Table {
        guard let header else { throw DataError.emptyFile(path: path) }
        if rows == 0 { throw DataError.headerOnly(path: path) }
        // Categorical levels are stored sorted, so codes do not depend on row order.
        for column in 0..<columnCount where kinds[column] == .categorical {
            let old = levels[column]
            let sorted = old.sorted()
            var remap = [Double](repeating: 0, count: old.count)
            for (newCode, text) in sorted.enumerated() { remap[levelIndex[column][text]!] = Double(newCode) }
            cells.withUnsafeMutableBufferPointer { buffer in
                var index = column
                while index < buffer.count {
                    let value = buffer[index]
                    if !value.isNaN { buffer[index] = remap[Int(value)] }
                    index += columnCount
                }
            }
            levels[column] = sorted
        }
        let matrix = Matrix(rows: rows, columns: columnCount, values: cells)
        cells = []
        return Table(names: header, kinds: kinds, cells: matrix, levels: levels, missingCounts: missingCounts,
                     source: path)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return scalars.count == count ? self : String(scalars)
    }
}
