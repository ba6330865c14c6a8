import AutopipeOperators
import AutopipeTestSupport
import Testing

/// GaussianNB (and the family) against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_naive_bayes.py).
/// Tolerance: 1e-6 absolute on GaussianNB probabilities, 1e-9 on BernoulliNB / MultinomialNB probabilities (float
/// round-off in the log-likelihoods), labels exact; CV accuracy exact.
@Suite("Naive Bayes vs scikit-learn")
struct NaiveBayesFixtureTests {
    static let file = FixtureFile.load("naive_bayes")

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
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
}
