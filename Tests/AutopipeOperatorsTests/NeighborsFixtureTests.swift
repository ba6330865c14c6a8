import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// KNeighborsClassifier / KNeighborsRegressor against scikit-learn 1.5.2 (fixtures:
/// scripts/fixtures/fx_neighbors.py, scikit-learn on one thread). Tolerances: probabilities 1e-10 absolute,
/// regression outputs 1e-10 relative, labels exact; cross-validated scores within 1e-9 (the search is exact,
/// ties at the k-th distance resolved by training index as scikit-learn's brute force does).
@Suite("Neighbors vs scikit-learn")
struct NeighborsFixtureTests {
    static let file = FixtureFile.load("neighbors")

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

    @Test("n_neighbors above the training rows is a typed error")
    func tooManyNeighbors() throws {
        let x = Matrix([[0, 1], [1, 0], [2, 2]])
        #expect(throws: OperatorError.self) {
            _ = try KNeighborsClassifier(["n_neighbors": 4]).fit(x, [0, 1, 0], classCount: 2, context: FitContext())
        }
        #expect(throws: OperatorError.self) {
            _ = try KNeighborsRegressor(["n_neighbors": 4]).fit(x, [0, 1, 0], context: FitContext())
        }
    }

    @Test("ties at the k-th distance keep the lower training index; zero distances dominate distance weights")
    func tiesAndZeroDistances() throws {
        // Query 0 is equidistant (distance 1) from rows 1, 2, 3, 4; k = 2 keeps rows 0 (distance 0) and 1.
        let x = Matrix([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]])
        let fitted = try KNeighborsClassifier(["n_neighbors": 2]).fit(x, [0, 1, 2, 2, 2], classCount: 3, context: FitContext())
        let p = try fitted.scores(x.selectingRows([0]))
        #expect(p.values == [0.5, 0.5, 0])
        let weighted = try KNeighborsRegressor(["n_neighbors": 3, "weights": "distance"])
            .fit(x, [10, 20, 30, 40, 50], context: FitContext())
        #expect(try weighted.predict(x.selectingRows([0])) == [10])
    }

    @Test("fit does no iterative work: a large fit returns well within a 0.2 s deadline")
    func deadline() throws {
        var rng = SeededGenerator(seed: 1)
        let n = 20_000, d = 20
        let x = Matrix(rows: n, columns: d, values: (0..<(n * d)).map { _ in rng.nextDouble() })
        let start = ContinuousClock.now
        _ = try KNeighborsClassifier(["n_neighbors": 100]).fit(x, (0..<n).map { $0 % 2 }, classCount: 2,
            context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        #expect(ContinuousClock.now - start < .milliseconds(200))
    }
}

extension NeighborsFixtureTests {
    @Test("distances that overflow to infinity still give k neighbours, no trap")
    func overflowingDistances() throws {
        let x = Matrix([[1e200, 0], [-1e200, 0], [1e200, 1], [0, 0]])
        let fitted = try KNeighborsClassifier(["n_neighbors": 3]).fit(x, [0, 1, 0, 1], classCount: 2, context: FitContext())
        let p = try fitted.scores(Matrix([[-1e200, 5]]))
        #expect(p.rows == 1)
        let regression = try KNeighborsRegressor(["n_neighbors": 4, "weights": "distance"]).fit(x, [1, 2, 3, 4], context: FitContext())
        #expect(try regression.predict(Matrix([[-1e200, 5]])).count == 1)
    }
}
