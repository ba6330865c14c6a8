import Foundation

/// Where the search's messages go: progress lines to stderr (verbosity 1 and up) and the final report to
/// stdout (verbosity 1 and up); with `--log-file`, both are also appended to that file, whatever the verbosity.
final class Console: @unchecked Sendable {
    let verbosity: Int
    private let log: FileHandle?
    private let lock = NSLock()

    init(verbosity: Int, logFile: String?) throws {
        self.verbosity = verbosity
        if let logFile {
            guard FileManager.default.createFile(atPath: logFile, contents: nil),
                  let handle = FileHandle(forWritingAtPath: logFile) else {
                throw CLIFileError.cannotWrite(path: logFile)
            }
            log = handle
        } else {
            log = nil
        }
    }

    deinit { try? log?.close() }

    func progress(_ line: String) {
        if verbosity >= 1 { Stderr.write(line + "\n") }
        toLog(line)
    }

    func report(_ text: String) {
        if verbosity >= 1 { print(text) }
        toLog(text)
    }

    private func toLog(_ text: String) {
        guard let log else { return }
        lock.lock()
        defer { lock.unlock() }
        try? log.write(contentsOf: Data((text + "\n").utf8))
    }
}

enum CLIFileError: Error, CustomStringConvertible {
    case cannotWrite(path: String)

    var description: String {
        switch self {
        case .cannotWrite(let path): return "cannot write '\(path)'."
        }
    }
}
