#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Joins parsed pieces, in file order, into one table: the whole file's data, or (for `CSVChunkReader`) the rows
/// of one byte range that starts at a row boundary.
///
/// A piece is taken only if it starts exactly where the previous one ended (then its first byte is known to start
/// a row). A piece that started inside a multi-line quoted field, or ran too far looking for a row boundary, is
/// dropped and its stretch re-parsed from the known boundary; the result is the same as one sequential parse.
final class CSVTableAssembler {
    let settings: CSVPieceSettings
    let header: CSVHeader
    let columnCount: Int
    /// The end of the data taken so far (a row boundary).
    private(set) var cursor: Int
    /// The line number at `cursor`.
    private var cursorLine: Int
    private var cells: [Double] = []
    private var rows = 0
    private var numeric: [Bool]
    private var levels: [[String]]
    private var levelIndex: [[String: Int]]
    private var missingCounts: [Int]
    private var reserved = false
    /// Where the range starts (a row boundary) and where it nominally ends (its last row runs on to the first row
    /// boundary at or after this).
    private let start: Int
    let end: Int

    /// - Parameters:
    ///   - start: a row boundary (default: the end of the header); `line` is the line number there.
    ///   - end: the nominal end of the range (default: the end of the file).
    init(settings: CSVPieceSettings, header: CSVHeader, start: Int? = nil, line: Int? = nil, end: Int? = nil) {
        self.settings = settings
        self.header = header
        columnCount = settings.columnCount
        self.start = start ?? header.end
        self.end = end ?? settings.file.size
        cursor = self.start
        cursorLine = line ?? header.firstDataLine
        numeric = Array(repeating: true, count: columnCount)
        levels = Array(repeating: [], count: columnCount)
        levelIndex = Array(repeating: [:], count: columnCount)
        missingCounts = Array(repeating: 0, count: columnCount)
    }

    /// Offers the next piece in file order.
    func offer(_ piece: CSVPieceResult) throws {
        if piece.start > cursor {
            try take(CSVPieceParser.parse(settings, start: cursor, nominalEnd: piece.start, speculative: false))
        }
        guard piece.start == cursor else { return }    // covered by (or started inside) the previous piece
        if piece.abandoned {
            try take(CSVPieceParser.parse(settings, start: cursor, nominalEnd: piece.nominalEnd, speculative: false))
        } else {
            try take(piece)
        }
    }

    /// Parses whatever is left of the range after the last piece taken.
    func finishCoverage() throws {
        if cursor < end {
            try take(CSVPieceParser.parse(settings, start: cursor, nominalEnd: end, speculative: false))
        }
    }

    /// Rows taken so far.
    var rowCount: Int { rows }

    /// The line number at `cursor` (where the next range starts).
    var nextLine: Int { cursorLine }

    private func take(_ piece: CSVPieceResult) throws {
        if let failure = piece.failure { throw error(failure) }
        guard piece.count == piece.rows * columnCount else {
            throw DataError.malformedCSV(path: settings.file.path, line: cursorLine,
                                         reason: "internal error: a piece holds \(piece.count) cells for \(piece.rows) rows")
        }
        reserve(adding: piece)
        var remaps: [(column: Int, map: [Double])] = []
        for column in 0..<columnCount {
            switch (numeric[column], piece.numeric[column]) {
            case (true, true):
                break
            case (true, false):
                makeCategorical(column)
                remaps.append((column, codeMap(piece, column)))
            case (false, true):
                nameNumbers(piece, column)
            case (false, false):
                remaps.append((column, codeMap(piece, column)))
            }
            missingCounts[column] += piece.missingCounts[column]
        }
        // A map that changes nothing (the piece met the table's categories in the same order) is dropped.
        remaps.removeAll { entry in entry.map.indices.allSatisfy { entry.map[$0] == Double($0) } }
        let base = cells.count
        cells.append(contentsOf: UnsafeBufferPointer(start: piece.cells, count: piece.count))
        if !remaps.isEmpty { recode(from: base, remaps) }
        rows += piece.rows
        cursor = piece.end
        cursorLine += piece.lines
    }

    /// Reserves the cell array for the whole file from the bytes per row seen so far (10% spare: pages never
    /// written are never resident), so it does not grow by doubling, which would briefly hold three copies.
    private func reserve(adding piece: CSVPieceResult) {
        let needed = cells.count + piece.count
        if needed <= cells.capacity && reserved { return }
        let covered = max(piece.end - start, 1)
        let rowsSoFar = rows + piece.rows
        guard rowsSoFar > 0 else { return }
        let dataBytes = max(min(end, settings.file.size) - start, 1)
        let estimatedRows = Int(Double(rowsSoFar) * Double(dataBytes) / Double(covered) * 1.1) + 64
        cells.reserveCapacity(max(needed, estimatedRows * columnCount))
        reserved = true
    }

    private func intern(_ text: String, _ column: Int) -> Int {
        if let code = levelIndex[column][text] { return code }
        let code = levels[column].count
        levels[column].append(text)
        levelIndex[column][text] = code
        return code
    }

    /// The table's numeric column turns categorical: its numbers become their canonical texts.
    private func makeCategorical(_ column: Int) {
        numeric[column] = false
        let columnCount = self.columnCount
        cells.withUnsafeMutableBufferPointer { buffer in
            var index = column
            while index < buffer.count {
                let value = buffer[index]
                if !value.isNaN { buffer[index] = Double(intern(NumberFormatting.text(value), column)) }
                index += columnCount
            }
        }
    }

    /// The table's code for each of a piece's local category codes.
    private func codeMap(_ piece: CSVPieceResult, _ column: Int) -> [Double] {
        piece.levels[column].map { Double(intern($0, column)) }
    }

    /// Recodes the given columns of the rows from cell `base` on, all columns in one pass over the rows (a pass
    /// per column would sweep the same memory once for each).
    private func recode(from base: Int, _ remaps: [(column: Int, map: [Double])]) {
        let columnCount = self.columnCount
        cells.withUnsafeMutableBufferPointer { buffer in
            guard let cells = buffer.baseAddress else { return }
            var row = base
            while row < buffer.count {
                for (column, map) in remaps {
                    let value = cells[row + column]
                    if !value.isNaN { cells[row + column] = map[Int(value)] }
                }
                row += columnCount
            }
        }
    }

    /// A piece's numbers in a column that is categorical in the table become category codes.
    private func nameNumbers(_ piece: CSVPieceResult, _ column: Int) {
        var index = column
        while index < piece.count {
            let value = piece.cells[index]
            if !value.isNaN { piece.cells[index] = Double(intern(NumberFormatting.text(value), column)) }
            index += columnCount
        }
    }

    private func error(_ failure: CSVPieceFailure) -> DataError {
        let path = settings.file.path
        switch failure {
        case .ragged(let line, let found):
            return .raggedRow(path: path, line: cursorLine + line, expected: columnCount, found: found)
        case .invalidUTF8(let line, let column):
            return .invalidUTF8(path: path, line: cursorLine + line, column: header.names[column])
        case .unclosedQuote(let line):
            return .unclosedQuote(path: path, line: cursorLine + line)
        case .libcsv(let line, let reason):
            return .malformedCSV(path: path, line: cursorLine + line, reason: reason)
        case .unreadable(let reason):
            return .unreadable(path: path, reason: reason)
        }
    }

    /// The finished table. Categories are stored sorted, so codes do not depend on row order.
    func table() throws -> Table {
        if rows == 0 { throw DataError.headerOnly(path: settings.file.path) }
        var remaps: [(column: Int, map: [Double])] = []
        for column in 0..<columnCount where !numeric[column] {
            let old = levels[column]
            let order = old.indices.sorted { old[$0] < old[$1] }
            if order.indices.allSatisfy({ order[$0] == $0 }) { continue }
            var remap = [Double](repeating: 0, count: old.count)
            for (newCode, oldCode) in order.enumerated() { remap[oldCode] = Double(newCode) }
            remaps.append((column, remap))
            levels[column] = order.map { old[$0] }
        }
        if !remaps.isEmpty { recode(from: 0, remaps) }
        let matrix = Matrix(rows: rows, columns: columnCount, values: cells)
        cells = []
        return Table(names: header.names, kinds: numeric.map { $0 ? .numeric : .categorical }, cells: matrix,
                     levels: levels, missingCounts: missingCounts, source: settings.file.path)
    }
}
