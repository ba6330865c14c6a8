import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation

enum SearchTestSupport {
    /// Everything but timings, as bytes.
    static func comparable(_ document: ResultDocument) throws -> Data {
        var copy = document
        copy.timing = .init(seconds: 0, evaluationsPerSecond: 0, jobs: 0)
        return try copy.encoded()
    }

    /// The `--evaluations` lines with `seconds` and `fit_seconds` zeroed.
    static func records(_ path: String) throws -> [EvaluationLine] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            var record = try JSONDecoder().decode(EvaluationLine.self, from: Data(line.utf8))
            record.seconds = 0
            record.fitSeconds = 0
            return record
        }
    }

    static func temporaryPath(_ name: String) throws -> String {
        try TestSupport.temporaryDirectory().appendingPathComponent(name).path
    }

    /// A search on a bundled dataset with the test registry.
    static func run(_ settings: SearchSettings, space: SearchSpace, jobs: Int = 2, dataset name: String = "iris",
                    files: SearchFiles = SearchFiles(), startedAt: ContinuousClock.Instant = .now) async throws
        -> ResultDocument
    {
        let data = try TestSupport.dataset(name)
        let runner = SearchRunner(settings: settings, space: space, jobs: jobs, dataPath: name,
                                  registry: TestRegistry.withSlow, files: files, startedAt: startedAt)
        return try await runner.run(dataset: data).document
    }
}
