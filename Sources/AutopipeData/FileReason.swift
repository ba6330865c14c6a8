import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a file cannot be read, in a few words for an error message ("no such file", "it is a directory", or the
/// system's reason such as "Permission denied"), instead of Foundation's "The operation could not be completed".
public enum FileReason {
    /// The reason `path` cannot be opened for reading, or nil when it can.
    public static func unreadable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        close(fd)
        return nil
    }

    /// Why reading `path` failed with `error`: `unreadable`'s words, or the error's own description when the
    /// file can be opened (it went wrong further on).
    public static func reading(_ path: String, failedWith error: any Error) -> String {
        unreadable(path) ?? error.localizedDescription
    }
}
