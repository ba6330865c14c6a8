import CLibCSV
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What every piece parser of one file shares.
struct CSVPieceSettings: Sendable {
    let file: CSVFile
    let delimiter: UInt8
    let columnCount: Int
    let markers: MissingMarkers
    /// How far a speculative piece may run past its nominal end looking for a row boundary before it gives up
    /// (the merge then re-parses that stretch from a known boundary).
    let maxSpeculativeOverrun: Int
    /// Whether quote-free runs of lines skip libcsv (`CSVQuoteFree`); off only in the tests that compare the two.
    var quoteFreeTokenizer = true
}

/// A problem found inside a piece, with a line number relative to the piece's first line (the merge adds the
/// piece's starting line when it turns this into a `DataError`).
enum CSVPieceFailure: Sendable {
    case ragged(line: Int, found: Int)
    case invalidUTF8(line: Int, column: Int)
    case unclosedQuote(line: Int)
    case libcsv(line: Int, reason: String)
    case unreadable(reason: String)
}

/// The parsed contents of one byte range of the file: the cells of its rows (row-major, `columnCount` per row),
/// each column's kind and local categories, and where the range really ended.
///
/// Pieces start right after a `\n`. Only the first piece (after the header) is known to start at a row boundary;
/// the others are speculative and the merge accepts one only if the previous piece ended exactly where it starts.
final class CSVPieceResult: @unchecked Sendable {
    let start: Int
    let nominalEnd: Int
    /// Where parsing stopped: the first row boundary at or after `nominalEnd` (or the end of the file).
    var end = 0
    var cells: UnsafeMutablePointer<Double>
    var capacity: Int
    var count = 0
    var rows = 0
    /// Line breaks consumed (so the next piece's first line is this piece's first line plus `lines`).
    var lines = 0
    var numeric: [Bool]
    /// Categories of each column that turned categorical, indexed by the codes stored in `cells`.
    var levels: [[String]]
    var missingCounts: [Int]
    var failure: CSVPieceFailure?
    /// A speculative piece that found no row boundary within `maxSpeculativeOverrun` of its end.
    var abandoned = false

    init(start: Int, nominalEnd: Int, columnCount: Int, capacity: Int) {
        self.start = start
        self.nominalEnd = nominalEnd
        self.capacity = max(capacity, columnCount * 16)
        cells = .allocate(capacity: self.capacity)
        numeric = Array(repeating: true, count: columnCount)
        levels = Array(repeating: [], count: columnCount)
        missingCounts = Array(repeating: 0, count: columnCount)
    }

    deinit { cells.deallocate() }
}

/// libcsv's callbacks land here: one instance per piece, filling a `CSVPieceResult`.
final class CSVPieceParser {
    let settings: CSVPieceSettings
    let result: CSVPieceResult
    let columnCount: Int
    var cells: UnsafeMutablePointer<Double>
    var capacity: Int
    var count = 0
    var numeric: UnsafeMutablePointer<Bool>
    var categories: [CategoryInterner]
    var fieldInRow = 0
    var line = 0
    var rowStartLine = 0
    var afterCR: Bool
    var failed = false

    init(settings: CSVPieceSettings, result: CSVPieceResult, afterCR: Bool) {
        self.settings = settings
        self.result = result
        columnCount = settings.columnCount
        cells = result.cells
        capacity = result.capacity
        numeric = .allocate(capacity: max(columnCount, 1))
        numeric.initialize(repeating: true, count: max(columnCount, 1))
        categories = Array(repeating: CategoryInterner(), count: columnCount)
        self.afterCR = afterCR
    }

    deinit { numeric.deallocate() }

    @inline(__always)
    func field(_ bytes: UnsafePointer<UInt8>?, _ length: Int) {
        let column = fieldInRow
        if column == 0 {
            rowStartLine = line
            if count &+ columnCount > capacity { grow() }
        }
        fieldInRow = column &+ 1
        guard column < columnCount else {
            if let bytes { countLineBreaks(bytes, length) }
            return
        }
        if numeric[column], let bytes, let value = NumberParsing.parse(bytes, length) {
            if settings.markers.hasNumericMarkers, settings.markers.isMarker(value) {
                store(missing: column, empty: false)
                return
            }
            cells[count] = value
            count &+= 1
            return
        }
        otherField(column, bytes, length)
    }

    /// A field that is not a number in a numeric column: missing, text (the column turns categorical), or a
    /// category of a categorical column.
    func otherField(_ column: Int, _ bytes: UnsafePointer<UInt8>?, _ length: Int) {
        let fieldLine = line
        if let bytes { countLineBreaks(bytes, length) }
        guard let bytes, length > 0 else {
            store(missing: column, empty: true)
            return
        }
        // Spaces and tabs around a field are not part of it (libcsv already drops them outside quotes).
        var first = 0, last = length
        while first < last, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
        while last > first, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 { last -= 1 }
        // A category met before (the common case) is never a missing marker: markers are not interned.
        if !numeric[column], let code = categories[column].code(of: bytes + first, last - first) {
            cells[count] = Double(code)
            count &+= 1
            return
        }
        if settings.markers.contains(bytes, length) {
            store(missing: column, empty: false)
            return
        }
        let text: String
        if !numeric[column], let value = NumberParsing.parse(bytes, length) {
            if settings.markers.hasNumericMarkers, settings.markers.isMarker(value) {
                store(missing: column, empty: false)
                return
            }
            // Numbers in a categorical column are named canonically, the same way as the numbers a column held
            // before it turned categorical.
            text = NumberFormatting.text(value)
        } else {
            guard let decoded = decodeUTF8(bytes + first, last - first) else {
                fail(.invalidUTF8(line: fieldLine, column: column))
                cells[count] = .nan
                count &+= 1
                return
            }
            text = decoded
        }
        if numeric[column] { makeCategorical(column) }
        cells[count] = Double(intern(text, column: column))
        count &+= 1
    }

    func store(missing column: Int, empty: Bool) {
        if empty, !settings.markers.emptyIsMissing {
            if numeric[column] { makeCategorical(column) }
            cells[count] = Double(intern("", column: column))
        } else {
            cells[count] = .nan
            result.missingCounts[column] += 1
        }
        count &+= 1
    }

    func intern(_ text: String, column: Int) -> Int {
        categories[column].intern(text)
    }

    /// Turns a numeric column categorical: the numbers it holds so far become their canonical texts.
    func makeCategorical(_ column: Int) {
        numeric[column] = false
        var index = column
        while index < count {
            let value = cells[index]
            if !value.isNaN { cells[index] = Double(intern(NumberFormatting.text(value), column: column)) }
            index += columnCount
        }
    }

    @inline(__always)
    func countLineBreaks(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        guard length > 0, memchr(bytes, 0x0A, length) != nil else { return }
        for k in 0..<length where bytes[k] == 0x0A { line += 1 }
    }

    func endRow(_ terminator: Int32) {
        if fieldInRow == 0 {
            // A blank line, or the LF of a CRLF.
            if terminator == 0x0A {
                if afterCR { afterCR = false } else { line += 1 }
            } else if terminator == 0x0D {
                line += 1
                afterCR = true
            }
            return
        }
        if fieldInRow != columnCount {
            fail(.ragged(line: rowStartLine, found: fieldInRow))
            // Keep the cell count a whole number of rows so nothing downstream reads a torn row.
            if fieldInRow < columnCount {
                for _ in fieldInRow..<columnCount {
                    cells[count] = .nan
                    count &+= 1
                }
            }
        } else {
            result.rows += 1
        }
        fieldInRow = 0
        if terminator == 0x0A {
            line += 1
            afterCR = false
        } else if terminator == 0x0D {
            line += 1
            afterCR = true
        }
    }

    func fail(_ failure: CSVPieceFailure) {
        if !failed {
            failed = true
            result.failure = failure
        }
    }

    func grow() {
        let newCapacity = capacity + capacity / 2 + columnCount * 1024
        let bigger = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: cells, count: count)
        cells.deallocate()
        cells = bigger
        capacity = newCapacity
        result.cells = bigger
        result.capacity = newCapacity
    }

    /// Copies the parser's counters into the result.
    func close() {
        result.count = count
        result.lines = line
        result.numeric = (0..<columnCount).map { numeric[$0] }
        result.levels = categories.map(\.texts)
    }
}

extension CSVPieceParser {
    /// Parses `start..<nominalEnd` of the file, then continues to the first row boundary (a `\n` after which
    /// libcsv is between rows) at or after `nominalEnd`.
    static func parse(_ settings: CSVPieceSettings, start: Int, nominalEnd: Int, speculative: Bool,
                      afterCR: Bool = false) -> CSVPieceResult {
        let fileSize = settings.file.size
        // Start with room for the rows this many bytes probably hold; the parser grows the buffer if not.
        let estimate = (nominalEnd - start) / max(4 * settings.columnCount, 1) + 64
        let result = CSVPieceResult(start: start, nominalEnd: nominalEnd, columnCount: settings.columnCount,
                                    capacity: min(estimate, 1 << 22) * settings.columnCount)
        let state = CSVPieceParser(settings: settings, result: result, afterCR: afterCR)
        defer { state.close() }
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_REPALL_NL)) == 0 else {
            result.failure = .unreadable(reason: "the CSV parser could not start (out of memory)")
            return result
        }
        defer { csv_free(&parser) }
        csv_set_delim(&parser, settings.delimiter)
        csv_set_realloc_func(&parser, autopipe_csv_realloc)
        csv_set_blk_size(&parser, 4096)
        let context = Unmanaged.passUnretained(state).toOpaque()
        let blockSize = min(1 << 20, max(nominalEnd - start, 1 << 16))
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { block.deallocate() }

        func feed(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
            let consumed = csv_parse(&parser, pointer, length, csvPieceFieldCallback, csvPieceRowCallback, context)
            if consumed != length {
                state.fail(.libcsv(line: state.line, reason: String(cString: csv_strerror(csv_error(&parser)))))
            }
            return !state.failed
        }

        // The nominal range. A block without a quote goes through the quote-free tokenizer up to its last line
        // end (libcsv first finishes a row it has open); the rest of it is read again with the next block.
        let classes = settings.quoteFreeTokenizer ? CSVQuoteFree.Classes(delimiter: settings.delimiter) : nil
        var position = start
        while position < nominalEnd {
            let n = settings.file.read(into: block, count: min(blockSize, nominalEnd - position), at: position)
            if n < 0 {
                state.fail(.unreadable(reason: String(cString: strerror(errno))))
                return result
            }
            if n == 0 { break }
            let bytes = UnsafePointer<UInt8>(block.assumingMemoryBound(to: UInt8.self))
            if let classes, memchr(bytes, Int32(CSVQuoteFree.quote), n) == nil {
                var offset = 0
                if parser.pstate != 0, let lineFeed = memchr(bytes, Int32(CSVQuoteFree.lineFeed), n) {
                    offset = UnsafeRawPointer(lineFeed) - UnsafeRawPointer(bytes) + 1
                    guard feed(bytes, offset) else { return result }
                }
                if parser.pstate == 0, let last = CSVQuoteFree.lastLineFeed(bytes + offset, n - offset) {
                    state.tokenizeQuoteFree(bytes + offset, last + 1, classes: classes)
                    guard !state.failed else { return result }
                    position += offset + last + 1
                    continue
                }
                if offset > 0 {
                    // libcsv is inside a quoted field (or a row without a line end here): it takes the rest of the
                    // block too, so a field longer than a block is not read again line by line.
                    guard feed(bytes + offset, n - offset) else { return result }
                    position += n
                    continue
                }
            }
            guard feed(bytes, n) else { return result }
            position += n
        }
        // On to a row boundary.
        var aligned = position >= fileSize ? false : parser.pstate == 0
        outer: while !aligned && position < fileSize {
            var want = min(blockSize, fileSize - position)
            if speculative {
                let budget = nominalEnd + settings.maxSpeculativeOverrun - position
                if budget <= 0 {
                    result.abandoned = true
                    return result
                }
                want = min(want, budget)
            }
            let n = settings.file.read(into: block, count: want, at: position)
            if n < 0 {
                state.fail(.unreadable(reason: String(cString: strerror(errno))))
                return result
            }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let rest = n - offset
                var length = rest
                if let newline = memchr(block + offset, 0x0A, rest) {
                    length = UnsafeMutableRawPointer(newline) - (block + offset) + 1
                }
                guard feed(block + offset, length) else { return result }
                offset += length
                position += length
                if parser.pstate == 0, block.load(fromByteOffset: offset - 1, as: UInt8.self) == 0x0A {
                    aligned = true
                    break outer
                }
            }
        }
        if !aligned {
            // The end of the file: a last row without a line break is flushed by csv_fini.
            if parser.pstate == 2, parser.quoted != 0 {
                state.fail(.unclosedQuote(line: state.line))
                return result
            }
            csv_fini(&parser, csvPieceFieldCallback, csvPieceRowCallback, context)
            position = fileSize
        }
        result.end = position
        return result
    }
}

private func csvPieceFieldCallback(_ field: UnsafeMutableRawPointer?, _ length: Int, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    let bytes = UnsafePointer<UInt8>(field?.assumingMemoryBound(to: UInt8.self))
    Unmanaged<CSVPieceParser>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.field(bytes, length) }
}

private func csvPieceRowCallback(_ terminator: Int32, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    Unmanaged<CSVPieceParser>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.endRow(terminator) }
}

/// The bytes as a String, or nil when they are not valid UTF-8 (ASCII, the common case, is checked eight bytes
/// at a time and decoded without the generic validator).
func decodeUTF8(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> String? {
    var k = 0
    var ascii = true
    while k + 8 <= length {
        if UnsafeRawPointer(bytes + k).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
            ascii = false
            break
        }
        k += 8
    }
    while ascii && k < length {
        if bytes[k] >= 0x80 { ascii = false }
        k += 1
    }
    let buffer = UnsafeBufferPointer(start: bytes, count: length)
    if ascii { return String(decoding: buffer, as: UTF8.self) }
    return String(validating: buffer, as: UTF8.self)
}

/// Missing-value markers as bytes, so fields are compared without making Strings.
struct MissingMarkers: Sendable {
    private let byLength: [[[UInt8]]]
    let emptyIsMissing: Bool
    /// Markers that are numbers (`-999`): a number equal to one of them is missing too, however it is written.
    private let numericValues: [Double]
    var hasNumericMarkers: Bool { !numericValues.isEmpty }

    init(_ markers: Set<String>) {
        var byLength: [[[UInt8]]] = []
        for marker in markers {
            let bytes = Array(marker.trimmingSpaces().utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append(bytes)
        }
        self.byLength = byLength
        emptyIsMissing = markers.contains { $0.trimmingSpaces().isEmpty }
        numericValues = markers.compactMap { NumberParsing.parse($0) }
    }

    func isMarker(_ value: Double) -> Bool { numericValues.contains(value) }

    /// Whether the field (spaces and tabs around it ignored) is a marker.
    func contains(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var start = 0, end = length
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        let n = end - start
        if n == 0 { return emptyIsMissing }
        guard n < byLength.count else { return false }
        for marker in byLength[n] where memcmp(bytes + start, marker, n) == 0 { return true }
        return false
    }
}
