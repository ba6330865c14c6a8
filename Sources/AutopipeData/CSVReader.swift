#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Options for reading a CSV file.
public struct CSVOptions: Sendable {
    /// The field delimiter; nil sniffs `,` `;` or tab from the header line.
    public var delimiter: UInt8?
    /// Cell texts read as missing values (compared after trimming spaces and tabs).
    public var missingMarkers: Set<String>
    /// Threads that parse pieces of a large file at once; nil uses every core. 1 parses sequentially.
    public var parallelism: Int?
    /// The size of the pieces a large file is split into for parallel parsing; nil picks one from the file size.
    /// (For tests: small pieces exercise the piece boundaries on small files.)
    public var pieceBytes: Int?
    /// Whether runs of lines without quotes skip libcsv for the equivalent quote-free tokenizer (`CSVQuoteFree`).
    /// Off only in the tests that check the two agree.
    var quoteFreeTokenizer = true

    /// pandas' default `na_values`, plus `?` and `NULL`-style spellings.
    public static let defaultMissingMarkers: Set<String> = [
        "", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "?", "null", "NULL", "None", "#N/A", "#N/A N/A", "#NA",
        "<NA>", "-1.#IND", "-1.#QNAN", "1.#IND", "1.#QNAN",
    ]

    public init(delimiter: UInt8? = nil, missingMarkers: Set<String> = CSVOptions.defaultMissingMarkers,
                parallelism: Int? = nil, pieceBytes: Int? = nil) {
        self.delimiter = delimiter
        self.missingMarkers = missingMarkers
        self.parallelism = parallelism
        self.pieceBytes = pieceBytes
    }

    /// Parses a user's `--delimiter` value: one character, or `tab` / `\t`.
    public static func delimiter(from text: String) throws -> UInt8 {
        switch text {
        case "tab", "\\t", "\t": return 0x09
        default:
            let bytes = Array(text.utf8)
            guard bytes.count == 1, bytes[0] != 0x22, bytes[0] != 0x0A, bytes[0] != 0x0D else {
                throw DataError.invalidOption("--delimiter must be a single character such as ',' ';' '|' or 'tab'; got '\(text)'.")
            }
            return bytes[0]
        }
    }
}

/// Reads CSV files with libcsv, types each column, and stores every cell in one row-major `Double` matrix
/// (see `Table`).
///
/// libcsv does the parsing (quotes, doubled quotes, delimiters and line breaks inside quoted fields, CR, LF and
/// CRLF line ends). A large file is cut into pieces at line breaks and the pieces are parsed on several threads,
/// each by its own libcsv parser; a piece that turns out to have started inside a quoted field is re-parsed from
/// the true row boundary, so the result is always that of one sequential parse. Runs of lines without a quote
/// character skip libcsv for `CSVQuoteFree`, which makes the same calls. Numbers are parsed straight from the
/// field's bytes (no String per field) by `NumberParsing`.
public struct CSVReader: Sendable {
    public var options: CSVOptions

    public init(options: CSVOptions = CSVOptions()) {
        self.options = options
    }

    public func read(path: String) throws -> Table {
        let file = try CSVFile(path: path)
        let head = try file.bytes(at: 0, count: 1 << 16)
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { throw DataError.utf16(path: path) }
        let start = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0     // UTF-8 byte order mark
        let delimiter = options.delimiter ?? head[start...].withUnsafeBytes { CSVReader.sniffDelimiter($0) }
        guard let header = try CSVHeader.read(file, from: start, delimiter: delimiter) else {
            throw DataError.emptyFile(path: path)
        }
        let workers = max(1, options.parallelism ?? CSVReader.coreCount)
        let dataBytes = file.size - header.end
        let pieceBytes = max(1, options.pieceBytes ?? min(max(dataBytes / (workers * 8), 4 << 20), 32 << 20))
        let settings = CSVPieceSettings(file: file, delimiter: delimiter, columnCount: header.names.count,
                                        markers: MissingMarkers(options.missingMarkers),
                                        maxSpeculativeOverrun: options.pieceBytes ?? max(pieceBytes, 1 << 20),
                                        quoteFreeTokenizer: options.quoteFreeTokenizer)
        var starts = [header.end]
        if workers > 1 && dataBytes >= 2 * pieceBytes {
            var nominal = header.end + pieceBytes
            while nominal < file.size, let next = try file.lineStart(after: nominal - 1), next < file.size {
                if next > starts[starts.count - 1] { starts.append(next) }
                nominal = next + pieceBytes
            }
        }
        let assembler = CSVTableAssembler(settings: settings, header: header)
        if header.end < file.size {
            let scheduler = CSVPieceScheduler(settings: settings, starts: starts, assembler: assembler,
                                              headerEndedWithCR: header.endedWithCR, workers: workers)
            try scheduler.run(workers: starts.count > 1 ? min(workers, starts.count) : 1)
            try assembler.finishCoverage()
        }
        return try assembler.table()
    }

    /// Picks `,` `;` or tab: whichever occurs most often outside quotes in the first non-blank line (`,` on a tie
    /// or none).
    public static func sniffDelimiter(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        var sawContent = false
        for byte in bytes {
            if byte == 0x22 { inQuotes.toggle(); sawContent = true; continue }
            if inQuotes { continue }
            if byte == 0x0A || byte == 0x0D {
                if sawContent { break }
                continue
            }
            if byte != 0x20 { sawContent = true }
            if let count = counts[byte] { counts[byte] = count + 1 }
        }
        var best: UInt8 = 0x2C
        for candidate: UInt8 in [0x3B, 0x09] where counts[candidate, default: 0] > counts[best, default: 0] {
            best = candidate
        }
        return best
    }

    /// Cores available to this process.
    static var coreCount: Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? Int(n) : 1
    }
}

extension String {
    /// The string without the spaces and tabs at its ends.
    func trimmingSpaces() -> String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard bytes[before] == 0x20 || bytes[before] == 0x09 else { break }
            end = before
        }
        return String(Substring(bytes[start..<end]))
    }
}
