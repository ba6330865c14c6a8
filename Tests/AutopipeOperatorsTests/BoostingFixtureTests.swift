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

    @Test("feature importances match scikit-learn's", arguments: file.cases.filter { $0.featureImportances != nil })
    func importances(_ fixture: FixtureCase) throws {
        let worst = try FixtureChecks.importanceDifference(fixture).get()
        #expect(worst <= 1e-9, "\(fixture.name): importances differ by \(worst)")
    }
}
