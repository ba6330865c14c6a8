import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// The boosting family against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_boosting.py).
///
/// Gradient boosting with subsample=1.0 and max_features=None: predictions and probabilities within 1e-8
/// (absolute; float rounding of the leaf sums accumulates over the stages), on the test rows whose outputs do not
/// depend on scikit-learn's random_state (losses with few distinct gradient values, such as absolute_error or the
/// first stage of a binary log-loss, tie often and are only compared by score). Stochastic settings
/// (subsample, max_features) and AdaBoostRegressor: mean cross-validated score on scikit-learn's folds within
/// 0.02 accuracy or 0.03 R^2 of scikit-learn's.
@Suite("Boosting vs scikit-learn")
struct BoostingFixtureTests {
    static let file = FixtureFile.load("boosting")

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
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/AutopipeOperatorsTests/Fixtures/boosting.json")
        guard let data = try? Data(contentsOf: url), let document = try? JSONDecoder().decode(Document.self, from: data)
        else { return [] }
        return document.cases.filter { $0.featureImportances != nil }
    }()

    @Test("feature importances match scikit-learn's") func importances() throws {
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
