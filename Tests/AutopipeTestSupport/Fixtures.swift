import AutopipeData
import AutopipeOperators
import Foundation

/// scikit-learn fixtures written by `scripts/fixtures/make_fixtures.py` (see its `common.py` for the format).
public struct FixtureFile: Decodable, Sendable {
    public let sklearnVersion: String
    public let cases: [FixtureCase]
    public let cvCases: [CVFixtureCase]

    enum CodingKeys: String, CodingKey { case sklearnVersion = "sklearn_version", cases, cvCases = "cv_cases" }

    public static func load(_ family: String) -> FixtureFile {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/AutopipeOperatorsTests/Fixtures/\(family).json")
        do {
            return try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: url))
        } catch {
            // A missing or broken fixture file makes the parameterized tests empty; `FixtureChecks.requireCases`
            // turns that into a failure.
            return FixtureFile(sklearnVersion: "missing: \(error)", cases: [], cvCases: [])
        }
    }

    init(sklearnVersion: String, cases: [FixtureCase], cvCases: [CVFixtureCase]) {
        self.sklearnVersion = sklearnVersion
        self.cases = cases
        self.cvCases = cvCases
    }
}

public struct FixtureCase: Decodable, Sendable, CustomStringConvertible {
    public let name: String
    public let `operator`: String
    public let parameters: Parameters
    public let dataset: String?
    public let x: [[Double]]?
    public let y: [Double]?
    public let task: String?
    public let trainRows: [Int]?
    public let testRows: [Int]?
    public let expected: [String: JSONValue]
    public let tolerance: Double
    public let compare: String
    /// scikit-learn's `feature_importances_` after fitting on the training rows, where they do not depend on its
    /// random_state (tree and boosting fixtures).
    public let featureImportances: [Double]?

    enum CodingKeys: String, CodingKey {
        case name, `operator`, parameters, dataset, x, y, task, trainRows = "train_rows", testRows = "test_rows"
        case expected, tolerance, compare, featureImportances = "feature_importances"
    }

    public var description: String { name }
}

public struct CVFixtureCase: Decodable, Sendable, CustomStringConvertible {
    public let name: String
    public let `operator`: String
    public let parameters: Parameters
    public let dataset: String
    public let metric: String
    public let folds: [[Int]]
    public let sklearnScores: [Double]
    public let sklearnMean: Double
    public let tolerance: Double

    enum CodingKeys: String, CodingKey {
        case name, `operator`, parameters, dataset, metric, folds, sklearnScores = "sklearn_scores"
        case sklearnMean = "sklearn_mean", tolerance
    }

    public var description: String { name }
}

/// A loosely typed JSON value: fixture outputs are vectors or matrices of numbers.
public enum JSONValue: Decodable, Sendable {
    case number(Double)
    case array([JSONValue])
    case other

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .other }
    }

    public var vector: [Double]? {
        guard case .array(let items) = self else { return nil }
        var out: [Double] = []
        for item in items {
            guard case .number(let d) = item else { return nil }
            out.append(d)
        }
        return out
    }

    public var matrix: Matrix? {
        guard case .array(let rows) = self else { return nil }
        let vectors = rows.compactMap(\.vector)
        guard vectors.count == rows.count else { return nil }
        if vectors.isEmpty { return Matrix(rows: 0, columns: 0) }
        return Matrix(vectors)
    }
}
