import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks, before a search starts, that the files it will write can be written there: a long search must not end
/// by failing to save its result (or its first checkpoint) because a directory is missing or read-only.
public enum OutputCheck {
    /// Throws `PersistenceError.cannotWrite` when `path` is a directory, or its directory does not exist, is not
    /// a directory or is not writable; `option` (such as "--output") is named in the advice.
    public static func writable(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw PersistenceError.cannotWrite(path: path, reason: "it is a directory; give \(option) a file path")
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw PersistenceError.cannotWrite(
                path: path, reason: "the directory '\(directory)' does not exist; create it, or give \(option) "
                    + "another path")
        }
        guard isDirectory.boolValue else {
            throw PersistenceError.cannotWrite(path: path, reason: "'\(directory)' is not a directory")
        }
        guard access(directory, W_OK) == 0 else {
            throw PersistenceError.cannotWrite(
                path: path, reason: "the directory '\(directory)' is not writable (\(String(cString: strerror(errno))))"
                    + "; give \(option) another path")
        }
    }
}
