import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// Selectors against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_selection.py). VarianceThreshold,
/// SelectPercentile and SelectFwe must select exactly scikit-learn's columns (the transform of the test rows is
/// compared with tolerance 0). F statistics: 1e-9 relative; p-values: 1e-9 relative, or 1e-300 absolute when
/// tiny; the F survival function: 1e-11 relative against scipy's `special.fdtrc`.
@Suite("Selection vs scikit-learn")
struct SelectionFixtureTests {
    static let file = FixtureFile.load("selection")
    static let scores = ScoreFixtures.load()

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
        #expect(!Self.scores.datasets.isEmpty, "selection_scores.json is missing or empty")
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    @Test func fSurvivalMatchesScipy() {
        for entry in Self.scores.fSurvival {
            let p = UnivariateStatistics.fSurvival(entry.f, dfn: entry.dfn, dfd: entry.dfd)
            let ok = abs(p - entry.p) <= 1e-11 * abs(entry.p) || abs(p - entry.p) < 1e-300
            #expect(ok, "fdtrc(\(entry.dfn), \(entry.dfd), \(entry.f)): autopipe \(p), scipy \(entry.p)")
        }
    }

    @Test(arguments: scores.datasets) func scoresMatchScikitLearn(_ entry: ScoreFixtures.DatasetScores) throws {
        let dataset = try TestSupport.dataset(entry.dataset)
        let scores = UnivariateStatistics.scores(dataset.features, dataset.targets)
        #expect(scores.f.count == entry.f.count)
        for (i, (actual, expected)) in zip(scores.f, entry.f).enumerated() {
            guard let expected else {
                #expect(!actual.isFinite, "F[\(i)] should be NaN/inf, got \(actual)")
                continue
            }
            #expect(abs(actual - expected) <= 1e-9 * max(1, abs(expected)), "F[\(i)]: \(actual) vs \(expected)")
        }
        for (i, (actual, expected)) in zip(scores.p, entry.p).enumerated() {
            guard let expected else {
                #expect(actual.isNaN, "p[\(i)] should be NaN, got \(actual)")
                continue
            }
            #expect(abs(actual - expected) <= 1e-9 * abs(expected) || abs(actual - expected) < 1e-300,
                    "p[\(i)]: \(actual) vs \(expected)")
        }
    }
}

struct ScoreFixtures: Decodable {
    struct DatasetScores: Decodable, Sendable, CustomStringConvertible {
        let dataset: String
        let task: String
        let f: [Double?]
        let p: [Double?]
        var description: String { dataset }
    }

    struct Survival: Decodable, Sendable {
        let dfn: Double
        let dfd: Double
        let f: Double
        let p: Double
    }

    let datasets: [DatasetScores]
    let fSurvival: [Survival]

    enum CodingKeys: String, CodingKey { case datasets, fSurvival = "f_survival" }

    static func load() -> ScoreFixtures {
        let url = TestSupport.repositoryRoot.appendingPathComponent(
            "Tests/AutopipeOperatorsTests/Fixtures/selection_scores.json")
        return (try? JSONDecoder().decode(ScoreFixtures.self, from: Data(contentsOf: url)))
            ?? ScoreFixtures(datasets: [], fSurvival: [])
    }
}

/// Typed errors and edge cases of the selectors.
@Suite("Selection edge cases")
struct SelectionEdgeCaseTests {
    static let registry = OperatorRegistry.standard

    @Test func varianceThresholdWithNothingLeftIsATypedError() throws {
        let x = Matrix([[1, 2], [1, 2.01], [1, 2]])
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("VarianceThreshold", ["threshold": 0.2]).fit(x, .values([0, 1, 2]),
                                                                                   context: FitContext())
        }
        // Threshold 0 drops the constant column and keeps the other.
        let fitted = try Self.registry.make("VarianceThreshold").fit(x, .values([0, 1, 2]), context: FitContext())
        #expect(try fitted.transform(x) == x.selectingColumns([1]))
    }

    @Test func selectFweWithAlphaZeroIsATypedError() throws {
        let (x, y) = ConformanceTests.problem(for: .selector)
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("SelectFwe", ["alpha": 0.0]).fit(x, y, context: FitContext())
        }
    }

    @Test func selectPercentileZeroIsATypedError() throws {
        let (x, y) = ConformanceTests.problem(for: .selector)
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("SelectPercentile", ["percentile": 0.0]).fit(x, y, context: FitContext())
        }
        let all = try Self.registry.make("SelectPercentile", ["percentile": 100.0]).fit(x, y, context: FitContext())
        #expect(try all.transform(x) == x)
    }

    @Test func regressionTargetsUseFRegression() throws {
        let (x, y) = ConformanceTests.problem(for: .regressor)
        guard case .values(let values) = y else { return }
        let f = UnivariateStatistics.fRegression(x, values).f
        #expect(UnivariateStatistics.scores(x, y).f == f)
        let best = try #require(f.indices.max { f[$0] < f[$1] })
        let fitted = try Self.registry.make("SelectPercentile", ["percentile": 25.0]).fit(x, y, context: FitContext())
        #expect(try fitted.transform(x) == x.selectingColumns([best]))
    }

    @Test func incompleteBetaEdges() {
        #expect(UnivariateStatistics.regularizedIncompleteBeta(a: 2, b: 3, x: 0) == 0)
        #expect(UnivariateStatistics.regularizedIncompleteBeta(a: 2, b: 3, x: 1) == 1)
        // I_x(1, 1) = x; I_x(a, 1) = x^a.
        #expect(abs(UnivariateStatistics.regularizedIncompleteBeta(a: 1, b: 1, x: 0.3) - 0.3) < 1e-15)
        #expect(abs(UnivariateStatistics.regularizedIncompleteBeta(a: 3, b: 1, x: 0.5) - 0.125) < 1e-15)
        #expect(UnivariateStatistics.fSurvival(.nan, dfn: 1, dfd: 3).isNaN)
        #expect(UnivariateStatistics.fSurvival(.infinity, dfn: 1, dfd: 3) == 0)
        #expect(UnivariateStatistics.fSurvival(1, dfn: 0, dfd: 3).isNaN)
    }
}
