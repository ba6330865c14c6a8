import AutopipeData
import Foundation

/// Paths and data shared by the test targets.
public enum TestSupport {
    /// The repository root (found from this file's path).
    public static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    public static func datasetPath(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("datasets/\(name).csv").path
    }

    /// A bundled dataset read as autopipe reads it (target: the last column).
    public static func dataset(_ name: String, options: DatasetOptions = DatasetOptions()) throws -> Dataset {
        let table = try CSVReader().read(path: datasetPath(name))
        return try Dataset(table: table, options: options)
    }

    /// A fresh temporary directory for a test.
    public static func temporaryDirectory(_ label: String = "autopipe-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new temporary file and returns its path.
    public static func writeTemporaryFile(_ text: String, name: String = "data.csv") throws -> String {
        try writeTemporaryFile(Data(text.utf8), name: name)
    }

    public static func writeTemporaryFile(_ data: Data, name: String = "data.csv") throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// The built `autopipe` executable next to the test bundle (same build configuration).
    public static var autopipeExecutable: URL {
        if let override = ProcessInfo.processInfo.environment["AUTOPIPE_BIN"] {
            return URL(fileURLWithPath: override)
        }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("autopipe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for config in ["release", "debug"] {
            let candidate = repositoryRoot.appendingPathComponent(".build/\(config)/autopipe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/autopipe")
    }
}

/// The result of running a process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

extension TestSupport {
    /// Runs the autopipe binary with `arguments` in `directory` and waits for it.
    public static func runAutopipe(_ arguments: [String], in directory: URL? = nil,
                                   environment: [String: String]? = nil) throws -> ProcessResult {
        try run(autopipeExecutable, arguments, in: directory, environment: environment)
    }

    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}
