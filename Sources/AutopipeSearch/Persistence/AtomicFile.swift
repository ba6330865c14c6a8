import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that a reader (or a process killed at any moment) sees either the old content or the new,
/// never a mixture: the data goes to a temporary file in the same directory, is flushed to disk, and is renamed
/// over the target.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PersistenceError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw PersistenceError.cannotWrite(path: path, reason: failure)
        }
    }
}

/// Files the search writes or reads besides its result.
public enum PersistenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case corruptCheckpoint(path: String, detail: String)
    /// A checkpoint of another format version (another build's seeds or layout).
    case checkpointVersion(path: String, found: Int, supported: Int)
    case cannotResume(path: String, reasons: [String])

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)."
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)."
        case .corruptCheckpoint(let path, let detail):
            return "'\(path)' is not an autopipe checkpoint (\(detail))."
        case .checkpointVersion(let path, let found, let supported):
            return "'\(path)' is a checkpoint of format version \(found), but this autopipe resumes version \(supported) "
                + "only (its evaluations would not give the same scores). Resume it with the autopipe that wrote it, "
                + "or start a new search without --resume."
        case .cannotResume(let path, let reasons):
            return "cannot resume from '\(path)': this run differs from the one that wrote it: "
                + reasons.joined(separator: "; ")
                + ". Resume with the same data and options, or start a new search without --resume."
        }
    }
}
