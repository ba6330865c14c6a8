import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// Preprocessing operators against scikit-learn 1.5.2 and TPOT 0.12's builtins (fixtures:
/// scripts/fixtures/fx_preprocessing.py). Tolerances are per case in the fixture: 1e-12 relative for the scalers,
/// Normalizer and PolynomialFeatures (same arithmetic; only summation order may differ), exact (0) for
/// Binarizer, ZeroCount and TPOT's OneHotEncoder, 1e-12 relative for SimpleImputer (its cases have NaN inputs and
/// live in preprocessing_missing.json, NaN written as null).
@Suite("Preprocessing vs scikit-learn")
struct PreprocessingFixtureTests {
    static let file = FixtureFile.load("preprocessing")
    static let missing = MissingValueFixtures.load()

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
        #expect(!Self.missing.cases.isEmpty, "preprocessing_missing.json is missing or empty")
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    @Test(arguments: missing.cases) func imputerMatchesScikitLearn(_ fixture: MissingValueFixtures.Case) throws {
        let x = fixture.matrix
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        let train = x.selectingRows(fixture.trainRows)
        let fitted = try op.fit(train, .values([Double](repeating: 0, count: train.rows)), context: FitContext())
        let actual = try fitted.transform(x.selectingRows(fixture.testRows))
        let expected = Matrix(fixture.expected.transform)
        try #require(actual.rows == expected.rows && actual.columns == expected.columns,
                     "shape \(actual.rows)x\(actual.columns), scikit-learn \(expected.rows)x\(expected.columns)")
        for i in 0..<actual.values.count {
            let a = actual.values[i], e = expected.values[i]
            #expect(abs(a - e) <= fixture.tolerance * max(1, abs(e)), "value \(i): autopipe \(a), scikit-learn \(e)")
        }
    }
}

/// SimpleImputer fixtures whose inputs hold NaN (JSON null).
struct MissingValueFixtures: Decodable {
    struct Expected: Decodable, Sendable { let transform: [[Double]] }

    struct Case: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let x: [[Double?]]
        let trainRows: [Int]
        let testRows: [Int]
        let expected: Expected
        let tolerance: Double

        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, x, trainRows = "train_rows", testRows = "test_rows", expected, tolerance
        }

        var description: String { name }
        var matrix: Matrix { Matrix(x.map { $0.map { $0 ?? .nan } }) }
    }

    let cases: [Case]

    static func load() -> MissingValueFixtures {
        let url = TestSupport.repositoryRoot.appendingPathComponent(
            "Tests/AutopipeOperatorsTests/Fixtures/preprocessing_missing.json")
        return (try? JSONDecoder().decode(MissingValueFixtures.self, from: Data(contentsOf: url)))
            ?? MissingValueFixtures(cases: [])
    }
}

/// Edge cases and typed errors of the preprocessing family.
@Suite("Preprocessing edge cases")
struct PreprocessingEdgeCaseTests {
    static let registry = OperatorRegistry.standard

    @Test func imputerDropsEmptyColumnsConsistently() throws {
        let x = Matrix([[1, .nan, 3], [.nan, .nan, 5], [4, .nan, .nan]])
        let fitted = try Self.registry.make("SimpleImputer", ["strategy": "median"]).fit(x, .values([0, 0, 0]),
                                                                                        context: FitContext())
        let out = try fitted.transform(Matrix([[.nan, 7, .nan]]))
        #expect(out == Matrix([[2.5, 4]]))
        let kept = try Self.registry.make("SimpleImputer", ["strategy": "constant", "fill_value": 9.0])
            .fit(x, .values([0, 0, 0]), context: FitContext())
        #expect(try kept.transform(Matrix([[.nan, .nan, 1]])) == Matrix([[9, 9, 1]]))
    }

    @Test func imputerWithNothingLeftIsATypedError() throws {
        let x = Matrix([[Double.nan, .nan], [.nan, .nan]])
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("SimpleImputer").fit(x, .values([0, 0]), context: FitContext())
        }
        // With keep_empty_features the columns stay (filled with 0).
        let fitted = try Self.registry.make("SimpleImputer", ["keep_empty_features": true])
            .fit(x, .values([0, 0]), context: FitContext())
        #expect(try fitted.transform(x) == Matrix([[0, 0], [0, 0]]))
    }

    @Test func imputerMostFrequentBreaksTiesTowardTheSmallest() throws {
        let x = Matrix(columns: [[3, 1, 3, 1, 2, .nan]])
        let fitted = try Self.registry.make("SimpleImputer", ["strategy": "most_frequent"])
            .fit(x, .values([Double](repeating: 0, count: 6)), context: FitContext())
        #expect(try fitted.transform(Matrix([[.nan]])) == Matrix([[1]]))
    }

    @Test func polynomialRejectsAnEmptyOutput() {
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("PolynomialFeatures", ["degree": 0, "include_bias": false])
        }
    }

    @Test func polynomialColumnOrder() throws {
        let x = Matrix([[2, 3, 5]])
        let fitted = try Self.registry.make("PolynomialFeatures", ["degree": 2, "include_bias": false])
            .fit(x, .values([0]), context: FitContext())
        #expect(try fitted.transform(x) == Matrix([[2, 3, 5, 4, 6, 10, 9, 15, 25]]))
    }

    @Test func zeroCountPutsTheZeroCountFirst() throws {
        let x = Matrix([[0, 1, 0, 2]])
        let fitted = try Self.registry.make("ZeroCount").fit(x, .values([0]), context: FitContext())
        #expect(try fitted.transform(x) == Matrix([[2, 2, 0, 1, 0, 2]]))
    }

    @Test func oneHotEncoderRejectsValuesBelowMinusThree() throws {
        let x = Matrix(columns: [[0, 1, -4, 1]])
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("OneHotEncoder").fit(x, .values([0, 0, 0, 0]), context: FitContext())
        }
    }

    @Test func oneHotEncoderPassesContinuousDataThrough() throws {
        let (x, y) = (Matrix(columns: [(0..<30).map { Double($0) * 0.37 }]), Targets.values(Array(repeating: 0, count: 30)))
        let fitted = try Self.registry.make("OneHotEncoder").fit(x, y, context: FitContext())
        #expect(try fitted.transform(x) == x)
    }

    @Test func binarizerIsStrict() throws {
        let x = Matrix([[0.5, 0.50001, -1]])
        let fitted = try Self.registry.make("Binarizer", ["threshold": 0.5]).fit(x, .values([0]), context: FitContext())
        #expect(try fitted.transform(x) == Matrix([[0, 1, 0]]))
    }

    @Test func scalersLeaveConstantColumnsFinite() throws {
        let x = Matrix(columns: [[1, 1, 1, 1], [0, 0, 0, 0], [1, 2, 3, 4]])
        for name in ["MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer"] {
            let fitted = try Self.registry.make(name).fit(x, .values([0, 0, 0, 0]), context: FitContext())
            #expect(try fitted.transform(x).allFinite, "\(name)")
        }
    }

    /// A deadline stops a large fit: SimpleImputer(most_frequent) sorts 30 columns of 300,000 values (~0.8 s)
    /// and checks the deadline per column.
    @Test func deadlineStopsALargeFit() throws {
        var rng = SeededGenerator(seed: 1)
        let rows = 300_000, columns = 30
        let x = Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in rng.nextDouble() })
        let op = try Self.registry.make("SimpleImputer", ["strategy": "most_frequent"])
        let start = ContinuousClock.now
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) {
            _ = try op.fit(x, .values([Double](repeating: 0, count: rows)),
                           context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        }
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }
}
