import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Search")
struct SearchRunnerTests {
    static func run(jobs: Int, seed: UInt64 = 3, dataset: String = "iris",
                    memoBytes: Int = EvaluationProblem.defaultMemoBytes) async throws -> ResultDocument {
        let data = try TestSupport.dataset(dataset)
        let settings = SearchSettings(generations: 3, populationSize: 12, cvFolds: 3,
                                      metric: Metric.defaultMetric(for: data.task), seed: seed)
        var runner = SearchRunner(settings: settings, space: .standard(), jobs: jobs, dataPath: dataset)
        runner.memoBytes = memoBytes
        return try await runner.run(dataset: data).document
    }

    static func comparable(_ document: ResultDocument) throws -> Data { try SearchTestSupport.comparable(document) }

    @Test("--jobs 1 and --jobs 2 give byte-identical results")
    func jobsIndependence() async throws {
        let one = try await Self.run(jobs: 1)
        let two = try await Self.run(jobs: 2)
        #expect(try Self.comparable(one) == Self.comparable(two))
        #expect(one.cvScore > 0.8)
    }

    @Test("reusing sub-pipeline outputs (--memo-mb) changes the time, never the result")
    func memoKeepsResults() async throws {
        // Penguins has missing values (imputed once per fold) and the searches stack random models.
        let without = try await Self.run(jobs: 2, dataset: "penguins", memoBytes: 0)
        let with = try await Self.run(jobs: 2, dataset: "penguins")
        #expect(try Self.comparable(without) == Self.comparable(with))
        #expect(without.timing.reusedFits == 0)
        #expect((with.timing.reusedFits ?? 0) > 0)
    }

    @Test("different seeds explore differently")
    func seedMatters() async throws {
        let a = try await Self.run(jobs: 2, seed: 1)
        let b = try await Self.run(jobs: 2, seed: 2)
        #expect(a.data.fingerprint == b.data.fingerprint)
        #expect(try Self.comparable(a) != Self.comparable(b))
    }

    @Test("the document round-trips and records the search")
    func documentContents() async throws {
        let document = try await Self.run(jobs: 2)
        let decoded = try ResultDocument.decode(document.encoded())
        #expect(try Self.comparable(decoded) == Self.comparable(document))
        #expect(document.formatVersion == ResultDocument.currentFormatVersion)
        #expect(document.target.classes == ["setosa", "versicolor", "virginica"])
        #expect(document.cvFoldScores.count == 3)
        #expect(!document.paretoFront.isEmpty)
        #expect(document.paretoFront.contains { $0.pipeline == document.pipeline })
        #expect(document.holdoutScore != nil)
        #expect(document.data.trainRows + document.data.testRows == 150)
    }

    @Test("a metric of the other task is refused")
    func wrongMetric() async throws {
        let data = try TestSupport.dataset("iris")
        let settings = SearchSettings(generations: 1, populationSize: 4, metric: .r2)
        let runner = SearchRunner(settings: settings, space: .standard(), jobs: 1, dataPath: "iris")
        await #expect(throws: DataError.self) { _ = try await runner.run(dataset: data) }
    }

    @Test("missing values are imputed inside the pipeline")
    func missingValues() async throws {
        let data = try TestSupport.dataset("penguins")
        #expect(data.features.hasNaN)
        let settings = SearchSettings(generations: 1, populationSize: 6, cvFolds: 3, seed: 1)
        let runner = SearchRunner(settings: settings, space: .standard(), jobs: 2, dataPath: "penguins")
        let outcome = try await runner.run(dataset: data)
        #expect(outcome.document.preprocessing == [Step("SimpleImputer", ["strategy": "median"])])
        #expect(outcome.document.cvScore > 0.5)
    }
}

@Suite("Durations")
struct DurationTests {
    @Test func parses() throws {
        #expect(try DurationText.seconds("90s", option: "--x") == 90)
        #expect(try DurationText.seconds("10m", option: "--x") == 600)
        #expect(try DurationText.seconds("2h", option: "--x") == 7200)
        #expect(try DurationText.seconds("1h30m", option: "--x") == 5400)
        #expect(try DurationText.seconds("2.5", option: "--x") == 2.5)
        #expect(try DurationText.seconds("500ms", option: "--x") == 0.5)
        for bad in ["", "abc", "10x", "-5", "m", "5m3"] {
            #expect(throws: DataError.self) { try DurationText.seconds(bad, option: "--x") }
        }
    }
}
