import CLibCSV
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An open CSV file read by position (`pread`), so several pieces can be read at once.
final class CSVFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw DataError.fileNotFound(path: path) }
            throw DataError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DataError.unreadable(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw DataError.unreadable(path: path, reason: "it is a directory, not a file")
        }
        if (info.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw DataError.unreadable(path: path, reason: "it is not a regular file (pipes and devices cannot be read; "
                + "save the data to a file first)")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset`; returns how many were read (0 at the end of the file, -1 on error).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Int {
        var total = 0
        while total < count {
            let n = pread(descriptor, buffer + total, count - total, off_t(offset + total))
            if n < 0 {
                if errno == EINTR { continue }
                return total > 0 ? total : -1
            }
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// Reads up to `count` bytes at `offset` into a new array.
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let wanted = max(0, min(count, size - offset))
        var out = [UInt8](repeating: 0, count: wanted)
        let n = out.withUnsafeMutableBytes { read(into: $0.baseAddress!, count: wanted, at: offset) }
        if n < 0 { throw DataError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        if n < wanted { out.removeLast(wanted - n) }
        return out
    }

    /// The offset just past the first `\n` at or after `offset`, or nil when there is none.
    func lineStart(after offset: Int) throws -> Int? {
        var position = offset
        let window = 1 << 16
        while position < size {
            let chunk = try bytes(at: position, count: window)
            if chunk.isEmpty { return nil }
            if let k = chunk.firstIndex(of: 0x0A) { return position + k + 1 }
            position += chunk.count
        }
        return nil
    }
}

/// The header row: read with libcsv like the rest, up to the end of the first row that has fields.
struct CSVHeader {
    var names: [String]
    /// Where the data rows start.
    var end: Int
    /// The line number of the first data line (1-based).
    var firstDataLine: Int
    /// The header row ended with a CR (its LF, if any, is the first byte of the data).
    var endedWithCR: Bool

    static func read(_ file: CSVFile, from start: Int, delimiter: UInt8) throws -> CSVHeader? {
        let collector = HeaderCollector()
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_REPALL_NL)) == 0 else {
            throw DataError.unreadable(path: file.path, reason: "the CSV parser could not start (out of memory)")
        }
        defer { csv_free(&parser) }
        csv_set_delim(&parser, delimiter)
        csv_set_realloc_func(&parser, autopipe_csv_realloc)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var position = start
        let window = 1 << 16
        outer: while position < file.size {
            let chunk = try file.bytes(at: position, count: window)
            if chunk.isEmpty { break }
            var offset = 0
            while offset < chunk.count {
                // Feed one line at a time (through the next CR or LF) so parsing stops right after the header.
                var length = chunk.count - offset
                for k in offset..<chunk.count where chunk[k] == 0x0A || chunk[k] == 0x0D {
                    length = k - offset + 1
                    break
                }
                let consumed = chunk.withUnsafeBytes {
                    csv_parse(&parser, $0.baseAddress! + offset, length, headerFieldCallback, headerRowCallback, context)
                }
                if consumed != length {
                    throw DataError.malformedCSV(path: file.path, line: collector.line,
                                                 reason: String(cString: csv_strerror(csv_error(&parser))))
                }
                offset += length
                position += length
                if collector.invalidUTF8 { throw DataError.invalidUTF8(path: file.path, line: collector.rowLine, column: nil) }
                if collector.done { break outer }
            }
        }
        if !collector.done {
            if parser.pstate == 2, parser.quoted != 0 {
                throw DataError.unclosedQuote(path: file.path, line: collector.line)
            }
            csv_fini(&parser, headerFieldCallback, headerRowCallback, context)
            if collector.invalidUTF8 { throw DataError.invalidUTF8(path: file.path, line: collector.rowLine, column: nil) }
            position = file.size
        }
        guard collector.done else { return nil }
        return CSVHeader(names: uniqueNames(collector.fields), end: position, firstDataLine: collector.line,
                         endedWithCR: collector.endedWithCR)
    }

    /// Empty names become `column_N`; repeated names get `.1`, `.2`, ... (as pandas does).
    static func uniqueNames(_ raw: [String]) -> [String] {
        var names: [String] = []
        var taken = Set<String>()
        var nextSuffix: [String: Int] = [:]
        for (i, field) in raw.enumerated() {
            let base = field.isEmpty ? "column_\(i + 1)" : field
            var name = base
            if taken.contains(name) {
                var k = nextSuffix[base] ?? 1
                while taken.contains("\(base).\(k)") || raw.contains("\(base).\(k)") { k += 1 }
                name = "\(base).\(k)"
                nextSuffix[base] = k + 1
            }
            taken.insert(name)
            names.append(name)
        }
        return names
    }
}

private final class HeaderCollector {
    var fields: [String] = []
    var line = 1
    var rowLine = 1
    var done = false
    var invalidUTF8 = false
    var endedWithCR = false
    var afterCR = false

    func field(_ pointer: UnsafeMutableRawPointer?, _ length: Int) {
        if fields.isEmpty { rowLine = line }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : length)
        for byte in bytes where byte == 0x0A { line += 1 }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            invalidUTF8 = true
            return
        }
        fields.append(text.trimmingSpaces())
    }

    func endRow(_ terminator: Int32) {
        if fields.isEmpty {
            if terminator == 0x0A {
                if afterCR { afterCR = false } else { line += 1 }
            } else if terminator == 0x0D {
                line += 1
                afterCR = true
            }
            return
        }
        if terminator == 0x0A || terminator == 0x0D { line += 1 }
        endedWithCR = terminator == 0x0D
        done = true
    }
}

private func headerFieldCallback(_ field: UnsafeMutableRawPointer?, _ length: Int, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    let collector = Unmanaged<HeaderCollector>.fromOpaque(data).takeUnretainedValue()
    if !collector.done { collector.field(field, length) }
}

private func headerRowCallback(_ terminator: Int32, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    let collector = Unmanaged<HeaderCollector>.fromOpaque(data).takeUnretainedValue()
    if !collector.done { collector.endRow(terminator) }
}
