import AutopipeOperators
import AutopipeTestSupport
import Testing

/// Preprocessing operators against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_preprocessing.py).
/// Tolerances are per case in the fixture (1e-10 relative for scalers).
@Suite("Preprocessing vs scikit-learn")
struct PreprocessingFixtureTests {
    static let file = FixtureFile.load("preprocessing")

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }
}
