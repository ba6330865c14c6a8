/// A CSV file read a chunk of rows at a time, so a file of any size goes through in bounded memory
/// (`autopipe predict`). Each chunk is a `Table` of consecutive rows typed on its own (a column can be numeric in
/// one chunk and categorical in the next; `FeatureSchema.encode` handles both), with the file's header.
///
/// Parsing is `CSVReader`'s (libcsv, the same typing, missing markers and error messages with line numbers); a
/// chunk is a byte range of about `chunkBytes` that ends at a row boundary, parsed in pieces on
/// `options.parallelism` threads. Memory: about one chunk's cells (`rows x columns x 8` bytes) plus the pieces in
/// flight. A file with CR-only line ends has no row boundary to cut at and is read as one chunk.
public final class CSVChunkReader {
    /// One chunk of rows.
    public struct Chunk: Sendable {
        public let table: Table
        /// The index of the chunk's first row among the file's data rows (0-based).
        public let firstRow: Int
        /// The line number of the chunk's first row (1-based, the header being line 1 or more).
        public let firstLine: Int
    }

    public let path: String
    /// The header's column names (empty names become `column_N`, repeats get `.1`, `.2`, as `CSVReader`).
    public let names: [String]
    public let options: CSVOptions
    private let file: CSVFile
    private let header: CSVHeader
    private let settings: CSVPieceSettings
    private let chunkBytes: Int
    private let workers: Int
    private var cursor: Int
    private var line: Int
    private var rowsRead = 0

    /// Opens the file and reads its header. `chunkBytes` is the nominal size of a chunk (at least 64 KiB).
    public init(path: String, options: CSVOptions = CSVOptions(), chunkBytes: Int = 8 << 20) throws {
        self.path = path
        self.options = options
        file = try CSVFile(path: path)
        let head = try file.bytes(at: 0, count: 1 << 16)
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { throw DataError.utf16(path: path) }
        let start = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let delimiter = options.delimiter ?? head[start...].withUnsafeBytes { CSVReader.sniffDelimiter($0) }
        guard let header = try CSVHeader.read(file, from: start, delimiter: delimiter) else {
            throw DataError.emptyFile(path: path)
        }
        self.header = header
        names = header.names
        self.chunkBytes = max(chunkBytes, 1 << 16)
        workers = max(1, options.parallelism ?? CSVReader.coreCount)
        settings = CSVPieceSettings(file: file, delimiter: delimiter, columnCount: header.names.count,
                                    markers: MissingMarkers(options.missingMarkers),
                                    maxSpeculativeOverrun: max(self.chunkBytes, 1 << 20),
                                    quoteFreeTokenizer: options.quoteFreeTokenizer)
        cursor = header.end
        line = header.firstDataLine
    }

    /// The next chunk, or nil at the end of the file. A chunk holds at least one row.
    public func next() throws -> Chunk? {
        while cursor < file.size {
            let start = cursor, firstLine = line
            let end = min(file.size, start + chunkBytes)
            let assembler = CSVTableAssembler(settings: settings, header: header, start: start, line: firstLine, end: end)
            // Pieces of about chunkBytes / workers, cut at line starts (the assembler re-parses any piece that
            // started inside a quoted field).
            var starts = [start]
            let pieceBytes = max((end - start) / workers, 1 << 16)
            if workers > 1 && end - start >= 2 * pieceBytes {
                var nominal = start + pieceBytes
                while nominal < end, let next = try file.lineStart(after: nominal - 1), next < end {
                    if next > starts[starts.count - 1] { starts.append(next) }
                    nominal = next + pieceBytes
                }
            }
            let scheduler = CSVPieceScheduler(settings: settings, starts: starts, assembler: assembler,
                                              headerEndedWithCR: start == header.end && header.endedWithCR,
                                              workers: workers)
            try scheduler.run(workers: starts.count > 1 ? min(workers, starts.count) : 1)
            try assembler.finishCoverage()
            cursor = assembler.cursor
            line = assembler.nextLine
            guard cursor > start else {
                throw DataError.malformedCSV(path: path, line: firstLine, reason: "internal error: no progress")
            }
            let rows = assembler.rowCount
            if rows == 0 { continue }      // only blank lines
            let table = try assembler.table()
            defer { rowsRead += rows }
            return Chunk(table: table, firstRow: rowsRead, firstLine: firstLine)
        }
        return nil
    }
}
