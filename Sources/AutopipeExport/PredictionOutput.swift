import AutopipeData
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where predictions go: a file (written under a temporary name and renamed into place when complete, so a
/// failed run leaves no half-written file) or standard output.
public final class PredictionOutput {
    private let descriptor: Int32
    private let path: String?
    private let temporary: String?
    private var finished = false

    /// Standard output.
    public init() {
        descriptor = 1
        path = nil
        temporary = nil
    }

    public init(path: String) throws {
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw ExportError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = fd
        self.path = path
        self.temporary = temporary
    }

    deinit {
        if let temporary, !finished {
            close(descriptor)
            unlink(temporary)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ExportError.cannotWrite(path: path ?? "standard output", reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }

    /// Completes the file (renames it into place).
    public func finish() throws {
        guard let path, let temporary, !finished else { return }
        finished = true
        if close(descriptor) != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ExportError.cannotWrite(path: path, reason: reason)
        }
    }
}

/// Appends CSV fields to a byte buffer.
struct CSVLineBuilder {
    var bytes: [UInt8] = []

    mutating func field(_ text: String, first: Bool) {
        if !first { bytes.append(0x2C) }
        let needsQuotes = text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || text.utf8.first == 0x20 || text.utf8.last == 0x20
        if needsQuotes {
            bytes.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 { bytes.append(0x22) }
                bytes.append(byte)
            }
            bytes.append(0x22)
        } else {
            bytes.append(contentsOf: text.utf8)
        }
    }

    /// A cell of `table` as `Table.text` spells it (missing: empty); integers are written without a String.
    mutating func cell(of table: Table, row: Int, column: Int, first: Bool) {
        if table.kinds[column] == .numeric, let value = NumberFormatting.integer(table.cells[row, column]) {
            if !first { bytes.append(0x2C) }
            integer(value)
        } else if let text = table.text(row: row, column: column) {
            field(text, first: first)
        } else if !first {
            bytes.append(0x2C)
        }
    }

    /// The decimal digits of `value`.
    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // up to 20 digits, last first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            while count > 0 {
                count -= 1
                bytes.append(buffer[count])
            }
        }
    }

    /// A field already quoted as needed.
    mutating func raw(_ field: [UInt8], first: Bool) {
        if !first { bytes.append(0x2C) }
        bytes.append(contentsOf: field)
    }

    /// A number in its shortest round-tripping form (missing: empty).
    mutating func number(_ value: Double, first: Bool) {
        if !first { bytes.append(0x2C) }
        if value.isNaN { return }
        bytes.append(contentsOf: value.description.utf8)
    }

    mutating func endLine() { bytes.append(0x0A) }

    static func quoted(_ text: String) -> [UInt8] {
        var builder = CSVLineBuilder()
        builder.field(text, first: true)
        return builder.bytes
    }
}
