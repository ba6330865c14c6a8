import CLibCSV
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Options for reading a CSV file.
public struct CSVOptions: Sendable {
    /// The field delimiter; nil sniffs `,` `;` or tab from the header line.
    public var delimiter: UInt8?
    /// Cell texts read as missing values (compared after trimming spaces).
    public var missingMarkers: Set<String>

    public static let defaultMissingMarkers: Set<String> = [
        "", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "?", "null", "NULL", "None", "#N/A", "#NA", "<NA>",
    ]

    public init(delimiter: UInt8? = nil, missingMarkers: Set<String> = CSVOptions.defaultMissingMarkers) {
        self.delimiter = delimiter
        self.missingMarkers = missingMarkers
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

/// Reads CSV files with libcsv, streaming the file in blocks, typing each column, and storing every cell in one
/// row-major `Double` matrix (see `Table`).
public struct CSVReader: Sendable {
    public var options: CSVOptions

    public init(options: CSVOptions = CSVOptions()) {
        self.options = options
    }

    public func read(path: String) throws -> Table {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw DataError.fileNotFound(path: path) }
            throw DataError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError.unreadable(path: path, reason: "it is a directory, not a file")
        }
        let fileSize = Int(info.st_size)
        let blockSize = 1 << 20
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { block.deallocate() }

        let state = CSVParseState(path: path, missingMarkers: options.missingMarkers, fileSize: fileSize)
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_REPALL_NL)) == 0 else {
            throw DataError.unreadable(path: path, reason: "the CSV parser could not start (out of memory)")
        }
        defer { csv_free(&parser) }
        csv_set_blk_size(&parser, 256)
        var first = true
        var sawBytes = false
        let context = Unmanaged.passUnretained(state).toOpaque()
        while true {
            let n = Glibc.read(fd, block.baseAddress, blockSize)
            if n < 0 {
                throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            var start = 0
            if first {
                first = false
                if n >= 3, block[0] == 0xEF, block[1] == 0xBB, block[2] == 0xBF { start = 3 }   // UTF-8 BOM
                let delimiter = options.delimiter
                    ?? CSVReader.sniffDelimiter(UnsafeRawBufferPointer(rebasing: block[start..<n]))
                csv_set_delim(&parser, delimiter)
                if delimiter == 0x09 { csv_set_space_func(&parser, csvIsSpaceOnly) }
            }
            if n > start { sawBytes = sawBytes || CSVReader.hasContent(UnsafeRawBufferPointer(rebasing: block[start..<n])) }
            let consumed = csv_parse(&parser, block.baseAddress! + start, n - start, csvFieldCallback,
                                     csvRowCallback, context)
            if let error = state.error { throw error }
            if consumed != n - start {
                throw DataError.malformedCSV(path: path, line: state.line,
                                             reason: String(cString: csv_strerror(csv_error(&parser))))
            }
            state.bytesConsumed += n
        }
        csv_fini(&parser, csvFieldCallback, csvRowCallback, context)
        if let error = state.error { throw error }
        if !sawBytes || state.header == nil { throw DataError.emptyFile(path: path) }
        return try state.finish()
    }

    /// Picks `,` `;` or tab: whichever occurs most often outside quotes in the first line (`,` on a tie or none).
    public static func sniffDelimiter(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        for byte in bytes {
            if byte == 0x22 { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if byte == 0x0A || byte == 0x0D { break }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        var best: UInt8 = 0x2C
        for candidate: UInt8 in [0x3B, 0x09] where counts[candidate]! > counts[best]! { best = candidate }
        return best
    }

    static func hasContent(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 { return true }
        return false
    }
}

private func csvIsSpaceOnly(_ c: UInt8) -> Int32 { c == 0x20 ? 1 : 0 }

private func csvFieldCallback(_ field: UnsafeMutableRawPointer?, _ length: Int, _ data: UnsafeMutableRawPointer?) {
    Unmanaged<CSVParseState>.fromOpaque(data!)._withUnsafeGuaranteedRef { state in
        state.field(UnsafeRawBufferPointer(start: field, count: field == nil ? 0 : length))
    }
}

private func csvRowCallback(_ terminator: Int32, _ data: UnsafeMutableRawPointer?) {
    Unmanaged<CSVParseState>.fromOpaque(data!)._withUnsafeGuaranteedRef { state in
        state.endRow(terminator: terminator)
    }
}
