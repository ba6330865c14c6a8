import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// Bit-identity guard for HistGradientBoosting: every case fits a classifier or regressor and hashes (FNV-1a over
/// the IEEE bit patterns) its training and held-out outputs (probabilities for classifiers, predictions for
/// regressors). The expected digests were produced by the code BEFORE the wide-data speed-ups of the histogram
/// grower (commit 7572321 on main), so any change of a gain, a chosen split or a leaf value shows up here.
/// Covers wide polynomial features (binary and multi-class), missing values, max_depth / max_leaf_nodes, l2 and
/// min_samples_leaf variations, max_features < 1, and early stopping (> 10,000 rows).
@Suite("HistGradientBoosting: bit-identical outputs")
struct HistBoostingGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let dataset: String
        let rows: Int?
        let poly: Bool
        let missingEvery: Int?
        let op: String
        let parameters: Parameters
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "bc-poly-lr0.01-depth4", dataset: "breast_cancer", rows: nil, poly: true, missingEvery: nil,
             op: "HistGradientBoostingClassifier",
             parameters: ["l2_regularization": 0.001, "learning_rate": 0.01, "max_depth": 4, "min_samples_leaf": 5]),
        Case(name: "bc-poly-missing-leaves", dataset: "breast_cancer", rows: 300, poly: true, missingEvery: 7,
             op: "HistGradientBoostingClassifier",
             parameters: ["max_leaf_nodes": 8, "min_samples_leaf": 1, "l2_regularization": 1.0, "max_iter": 40]),
        Case(name: "bc-missing-maxfeatures", dataset: "breast_cancer", rows: nil, poly: false, missingEvery: 5,
             op: "HistGradientBoostingClassifier",
             parameters: ["max_features": 0.5, "max_depth": 3, "max_leaf_nodes": .none, "min_samples_leaf": 12]),
        Case(name: "digits-poly-multiclass", dataset: "digits", rows: 400, poly: true, missingEvery: nil,
             op: "HistGradientBoostingClassifier",
             parameters: ["l2_regularization": 0.001, "learning_rate": 0.01, "max_depth": 4, "max_iter": 6,
                          "min_samples_leaf": 3]),
        Case(name: "digits-default", dataset: "digits", rows: 600, poly: false, missingEvery: nil,
             op: "HistGradientBoostingClassifier", parameters: ["max_iter": 15]),
        Case(name: "iris-missing", dataset: "iris", rows: nil, poly: false, missingEvery: 3,
             op: "HistGradientBoostingClassifier", parameters: ["min_samples_leaf": 2, "learning_rate": 0.5]),
        Case(name: "diabetes-default", dataset: "diabetes", rows: nil, poly: false, missingEvery: nil,
             op: "HistGradientBoostingRegressor", parameters: [:]),
        Case(name: "diabetes-poly-depth", dataset: "diabetes", rows: nil, poly: true, missingEvery: nil,
             op: "HistGradientBoostingRegressor",
             parameters: ["max_depth": 5, "min_samples_leaf": 1, "l2_regularization": 10.0, "learning_rate": 0.1]),
        Case(name: "diabetes-poly-missing-leaves", dataset: "diabetes", rows: nil, poly: true, missingEvery: 4,
             op: "HistGradientBoostingRegressor",
             parameters: ["max_leaf_nodes": 15, "min_samples_leaf": 8, "max_features": 0.7, "max_iter": 50]),
        Case(name: "synthetic-early-stopping-regressor", dataset: "synthetic-regression", rows: nil, poly: false,
             missingEvery: 97, op: "HistGradientBoostingRegressor", parameters: ["max_iter": 30]),
        Case(name: "synthetic-early-stopping-classifier", dataset: "synthetic-classification", rows: nil, poly: false,
             missingEvery: nil, op: "HistGradientBoostingClassifier", parameters: ["max_iter": 10, "max_depth": 6]),
    ]

    static func fnv(_ values: [Double], into hash: inout UInt64) {
        for v in values {
            var bits = v.bitPattern
            for _ in 0..<8 {
                hash ^= bits & 0xff
                hash = hash &* 0x100000001b3
                bits >>= 8
            }
        }
    }

    static func digest(_ c: Case, helpers: (any IdleHelpers)? = nil) throws -> String {
        var x: Matrix, y: Targets, rows: Int
        if c.dataset.hasPrefix("synthetic") {
            (x, y) = TreeBehaviourTests.synthetic(rows: 12_000, columns: 20, regression: c.dataset.hasSuffix("regression"))
            rows = x.rows
        } else {
            let data = try TestSupport.dataset(c.dataset)
            rows = c.rows ?? data.rowCount
            x = data.features.selectingRows(0..<rows)
            y = data.targets.selecting(Array(0..<rows))
        }
        if c.poly {
            let scaler = try OperatorRegistry.standard.make("StandardScaler", [:]).fit(x, y, context: FitContext(seed: 0))
            x = try scaler.transform(x)
            let poly = try OperatorRegistry.standard.make("PolynomialFeatures", ["include_bias": false])
                .fit(x, y, context: FitContext(seed: 0))
            x = try poly.transform(x)
        }
        if let every = c.missingEvery {
            for i in 0..<x.values.count where (i * 7919) % every == 0 { x.values[i] = .nan }
        }
        if c.op.hasSuffix("Regressor"), case .classes(let labels, _) = y { y = .values(labels.map(Double.init)) }
        let cut = rows * 4 / 5
        let train = Array(0..<cut), test = Array(cut..<rows)
        let op = try OperatorRegistry.standard.make(c.op, c.parameters)
        let fitted = try op.fit(x.selectingRows(train), y.selecting(train), context: FitContext(seed: 42, helpers: helpers))
        var hash: UInt64 = 0xcbf29ce484222325
        for part in [train, test] {
            let xp = x.selectingRows(part)
            if c.op.hasSuffix("Classifier") {
                fnv(try fitted.classScores(xp).scores.values, into: &hash)
            } else {
                fnv(try fitted.predictValues(xp), into: &hash)
            }
        }
        return String(hash, radix: 16)
    }

    /// Produced by the pre-change grower (see the suite's doc comment).
    static let expected: [String: String] = [
        "bc-missing-maxfeatures": "f4bdf42a86f74407",
        "bc-poly-lr0.01-depth4": "50728e25d62be369",
        "bc-poly-missing-leaves": "473f7e5066c0499c",
        "diabetes-default": "5a89e83e66ad4d49",
        "diabetes-poly-depth": "6d15713fd5c5c909",
        "diabetes-poly-missing-leaves": "5e72f111d1b5c1a3",
        "digits-default": "70a544b5e975b426",
        "digits-poly-multiclass": "c8e20efc99c44026",
        "iris-missing": "ea1e133aadda9c19",
        "synthetic-early-stopping-classifier": "15e19cdf1f53d2d0",
        "synthetic-early-stopping-regressor": "fb9ffd5d3f4038bd",
    ]

    /// Multi-class fits grow an iteration's class trees on idle threads when they have them; the trees are the
    /// same whichever thread grows them, and finish in any order.
    @Test("the same outputs when the class trees grow on other threads", arguments: cases)
    func withHelpers(_ c: Case) throws {
        #expect(Self.expected[c.name] == (try Self.digest(c, helpers: ThreadedHelpers())), "\(c.name)")
    }

    @Test(arguments: cases) func bitIdentical(_ c: Case) throws {
        let got = try Self.digest(c)
        print("GOLDEN \(c.name) \(got)")
        #expect(Self.expected[c.name] == got, "\(c.name): digest \(got)")
    }

    /// Timing of the wide cases (only with AUTOPIPE_HGB_BENCH=1): breast_cancer poly (495 features, binary) and
    /// digits poly (2,080 features, 10 classes), the TPOT pipeline's HGB settings.
    @Test func wideTiming() throws {
        guard ProcessInfo.processInfo.environment["AUTOPIPE_HGB_BENCH"] == "1" else { return }
        for (name, rows, iters) in [("breast_cancer", 455, 100), ("digits", 1347, 20)] {
            let data = try TestSupport.dataset(name)
            let y = data.targets.selecting(Array(0..<rows))
            var x = data.features.selectingRows(0..<rows)
            x = try OperatorRegistry.standard.make("StandardScaler", [:]).fit(x, y, context: FitContext(seed: 0)).transform(x)
            x = try OperatorRegistry.standard.make("PolynomialFeatures", ["include_bias": false])
                .fit(x, y, context: FitContext(seed: 0)).transform(x)
            let op = try OperatorRegistry.standard.make(
                "HistGradientBoostingClassifier",
                ["l2_regularization": 0.001, "learning_rate": 0.01, "max_depth": 4, "max_iter": .int(iters)])
            var times: [Double] = []
            for _ in 0..<3 {
                let t0 = Date()
                _ = try op.fit(x, y, context: FitContext(seed: 0))
                times.append(Date().timeIntervalSince(t0))
            }
            print("TIMING \(name) poly \(x.columns) features, \(iters) iterations: \(times.map { String(format: "%.3f", $0) })")
        }
    }
}
