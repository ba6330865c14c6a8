import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// The tree family against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_trees.py).
///
/// Single trees: predictions and probabilities equal to scikit-learn's (tolerance 1e-12 absolute on class
/// fractions; 1e-9 on regression means, which differ in the last bits with the order samples are summed in), on
/// the test rows whose outputs do not depend on scikit-learn's random_state (tied splits are broken by the random
/// feature order; the script keeps only rows stable under 20 seeds). Feature importances within 1e-9 where they
/// are seed-independent. Forests: mean cross-validated score on scikit-learn's folds within 0.02 accuracy or
/// 0.03 R^2 of scikit-learn's (the trees draw different random numbers).
@Suite("Trees vs scikit-learn")
struct TreeFixtureTests {
    static let file = FixtureFile.load("trees")

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
        #expect(!Self.file.cvCases.isEmpty)
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    @Test(arguments: file.cvCases) func crossValidatedScore(_ fixture: CVFixtureCase) throws {
        let scores = try FixtureChecks.crossValidate(fixture)
        let mean = scores.reduce(0, +) / Double(scores.count)
        #expect(abs(mean - fixture.sklearnMean) <= fixture.tolerance, "autopipe \(mean), scikit-learn \(fixture.sklearnMean)")
    }

    /// The cases that carry scikit-learn's `feature_importances_` (read from the same JSON file).
    struct ImportanceCase: Decodable, CustomStringConvertible {
        let name: String
        let featureImportances: [Double]?
        var description: String { name }
        enum CodingKeys: String, CodingKey { case name, featureImportances = "feature_importances" }
    }

    static let importanceCases: [ImportanceCase] = {
        struct Document: Decodable { let cases: [ImportanceCase] }
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/AutopipeOperatorsTests/Fixtures/trees.json")
        guard let data = try? Data(contentsOf: url), let document = try? JSONDecoder().decode(Document.self, from: data)
        else { return [] }
        return document.cases.filter { $0.featureImportances != nil }
    }()

    @Test("feature importances match scikit-learn's") func importances() throws {
        #expect(!Self.importanceCases.isEmpty)
        for item in Self.importanceCases {
            guard let fixture = Self.file.cases.first(where: { $0.name == item.name }),
                  let expected = item.featureImportances else { continue }
            let (x, y) = try TreeTestData.data(for: fixture)
            let rows = fixture.trainRows ?? Array(0..<x.rows)
            let fitted = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
                .fit(x.selectingRows(rows), y.selecting(rows), context: FitContext(seed: 0))
            let actual = try #require(fitted.featureImportances)
            #expect(actual.count == expected.count)
            let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-9, "\(item.name): importances differ by \(worst)")
        }
    }
}

/// Fixture data loading (mirrors FixtureChecks.data, which is internal to the support module).
enum TreeTestData {
    static func data(for fixture: FixtureCase) throws -> (Matrix, Targets) {
        if let name = fixture.dataset {
            let dataset = try TestSupport.dataset(name)
            return (dataset.features, dataset.targets)
        }
        let x = Matrix(fixture.x ?? [])
        let y = fixture.y ?? [Double](repeating: 0, count: x.rows)
        if fixture.task == "regression" { return (x, .values(y)) }
        let labels = y.map { Int($0) }
        return (x, .classes(labels, count: (labels.max() ?? 0) + 1))
    }
}
