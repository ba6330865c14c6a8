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
        #expect(Self.file.cases.contains { $0.featureImportances != nil })
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

