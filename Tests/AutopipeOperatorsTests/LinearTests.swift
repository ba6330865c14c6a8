import AutopipeData
import AutopipeOperators
import Foundation
import Testing

/// Linear family behaviour beyond the fixtures: deadlines, typed errors, absent classes, parameter rules.
@Suite("Linear models: deadlines, errors, edge cases")
struct LinearTests {
    /// Random data: `rows` x `columns` Gaussian features, labels from a noisy linear rule (3 classes) or values.
    static func data(rows: Int, columns: Int, classes: Int?, seed: UInt64 = 3) -> (Matrix, Targets) {
        var rng = SeededGenerator(seed: seed)
        var values = [Double](repeating: 0, count: rows * columns)
        for i in 0..<values.count { values[i] = rng.nextGaussian() * (1 + Double(i % columns)) }
        var labels: [Int] = [], real: [Double] = []
        for r in 0..<rows {
            var s = 0.0
            for c in 0..<columns { s += values[r * columns + c] * (c % 2 == 0 ? 1 : -0.5) / Double(1 + c) }
            s += rng.nextGaussian()
            real.append(s)
            if let classes { labels.append(min(classes - 1, max(0, Int((s + 2) / 4 * Double(classes))))) }
        }
        let x = Matrix(rows: rows, columns: columns, values: values)
        if let classes { return (x, .classes(labels, count: classes)) }
        return (x, .values(real))
    }

    /// Fits with a 0.2 s deadline and expects `.timedOut` within ~0.5 s (0.6 s allowed: the test runs beside the
    /// rest of the suite on two shared cores), or, for a fit that is not iterative enough to be interrupted,
    /// completion within that time.
    static func expectDeadline(_ name: String, _ parameters: Parameters, rows: Int, columns: Int, classes: Int?,
                               mayFinish: Bool = false) throws {
        let (x, y) = data(rows: rows, columns: columns, classes: classes)
        let op = try OperatorRegistry.standard.make(name, parameters)
        let context = FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2))
        let start = ContinuousClock.now
        var timedOut = false
        do {
            _ = try op.fit(x, y, context: context)
        } catch OperatorError.timedOut {
            timedOut = true
        }
        let elapsed = ContinuousClock.now - start
        #expect(timedOut || mayFinish, "\(name) finished instead of timing out")
        #expect(elapsed < .milliseconds(600), "\(name) took \(elapsed) with a 0.2 s deadline")
    }

    @Test("a deadline stops every iterative linear fit")
    func deadlines() throws {
        try Self.expectDeadline("LogisticRegression", ["tol": 0, "max_iter": 1_000_000, "C": 1e6], rows: 20000,
                                columns: 60, classes: 3)
        try Self.expectDeadline("LogisticRegression", ["solver": "liblinear", "penalty": "l1", "tol": 0,
                                                       "max_iter": 1_000_000, "C": 1e6],
                                rows: 20000, columns: 60, classes: 3)
        try Self.expectDeadline("LinearSVC", ["dual": true, "loss": "hinge", "tol": 1e-12, "max_iter": 10_000_000,
                                              "C": 1e6], rows: 20000, columns: 60, classes: 3)
        try Self.expectDeadline("LinearSVC", ["tol": 1e-300, "max_iter": 10_000_000, "C": 1e6], rows: 8000,
                                columns: 250, classes: 3)
        try Self.expectDeadline("LinearSVR", ["tol": 1e-12, "max_iter": 10_000_000, "C": 1e6], rows: 20000,
                                columns: 60, classes: nil)
        try Self.expectDeadline("SGDClassifier", ["tol": .none, "max_iter": 1_000_000], rows: 20000, columns: 60,
                                classes: 3)
        try Self.expectDeadline("SGDRegressor", ["tol": .none, "max_iter": 1_000_000], rows: 20000, columns: 60,
                                classes: nil)
        try Self.expectDeadline("ElasticNetCV", ["tol": 0, "max_iter": 10_000_000, "n_alphas": 1000],
                                rows: 20000, columns: 60, classes: nil)
        try Self.expectDeadline("LassoLarsCV", ["max_iter": 100_000], rows: 600, columns: 500, classes: nil)
        // RidgeCV is one SVD (not interruptible inside LAPACK): it must simply be quick at this size.
        try Self.expectDeadline("RidgeCV", [:], rows: 5000, columns: 60, classes: nil, mayFinish: true)
    }

    @Test("scikit-learn's invalid parameter combinations are rejected")
    func rules() {
        let invalid: [(String, Parameters)] = [
            ("LogisticRegression", ["penalty": "l1"]),                               // lbfgs cannot do L1
            ("LogisticRegression", ["penalty": "elasticnet", "solver": "saga"]),     // l1_ratio missing
            ("LogisticRegression", ["penalty": "elasticnet", "solver": "liblinear", "l1_ratio": 0.5]),
            ("LogisticRegression", ["dual": true]),                                  // dual only with liblinear
            ("LogisticRegression", ["penalty": .none, "solver": "liblinear"]),
            ("LogisticRegression", ["penalty": "l1", "solver": "liblinear", "dual": true]),
            ("LinearSVC", ["penalty": "l1", "loss": "hinge", "dual": false]),
            ("LinearSVC", ["penalty": "l1", "dual": true]),
            ("LinearSVC", ["loss": "hinge", "dual": false]),
            ("LinearSVR", ["loss": "epsilon_insensitive", "dual": false]),
            ("SGDClassifier", ["alpha": 0.0]),                                       // 'optimal' needs alpha > 0
            ("SGDClassifier", ["learning_rate": "constant"]),                        // eta0 = 0
            ("SGDRegressor", ["learning_rate": "constant", "eta0": 0.0]),
            ("ElasticNetCV", ["l1_ratio": 0.0]),
        ]
        for (name, parameters) in invalid {
            #expect(throws: OperatorError.self, "\(name) \(parameters)") {
                _ = try OperatorRegistry.standard.make(name, parameters)
            }
        }
        let valid: [(String, Parameters)] = [
            ("LogisticRegression", ["penalty": "l1", "solver": "liblinear"]),
            ("LogisticRegression", ["penalty": "elasticnet", "solver": "saga", "l1_ratio": 0.3]),
            ("LogisticRegression", ["penalty": "l2", "solver": "liblinear", "dual": true]),
            ("LinearSVC", ["penalty": "l1", "dual": false]),
            ("LinearSVC", ["loss": "hinge", "dual": true]),
            ("LinearSVR", ["loss": "squared_epsilon_insensitive", "dual": false]),
            ("SGDClassifier", ["alpha": 0.0, "learning_rate": "invscaling", "eta0": 0.1]),
        ]
        for (name, parameters) in valid {
            #expect((try? OperatorRegistry.standard.make(name, parameters)) != nil, "\(name) \(parameters)")
        }
    }

    @Test("a single class is a typed error", arguments: ["LogisticRegression", "LinearSVC", "SGDClassifier"])
    func singleClass(_ name: String) throws {
        let (x, _) = Self.data(rows: 30, columns: 3, classes: 3)
        let op = try OperatorRegistry.standard.make(name)
        #expect(throws: OperatorError.tooFewClasses(operator: name, found: 1)) {
            _ = try op.fit(x, .classes([Int](repeating: 2, count: 30), count: 3), context: FitContext())
        }
    }

    @Test("classes absent from training get probability 0 or the lowest score",
          arguments: ["LogisticRegression", "LinearSVC", "SGDClassifier"])
    func absentClasses(_ name: String) throws {
        let (x, y) = Self.data(rows: 90, columns: 4, classes: 3)
        guard case .classes(let labels, _) = y else { return }
        // Classes 0, 2, 3 of 4 (1 absent), and a binary case (0, 3 of 4).
        let mapped = labels.map { [0, 2, 3][$0] }
        let binary = labels.map { $0 == 0 ? 0 : 3 }
        for (targets, absent) in [(mapped, [1]), (binary, [1, 2])] {
            let fitted = try OperatorRegistry.standard.make(name).fit(x, .classes(targets, count: 4), context: FitContext())
            let (scores, areProbabilities) = try fitted.classScores(x)
            #expect(scores.columns == 4)
            let predicted = try fitted.predictClasses(x)
            #expect(predicted.allSatisfy { !absent.contains($0) })
            for r in 0..<x.rows {
                let row = Array(scores.row(r))
                if areProbabilities {
                    for a in absent { #expect(row[a] == 0) }
                    #expect(abs(row.reduce(0, +) - 1) < 1e-9)
                } else {
                    let presentMin = (0..<4).filter { !absent.contains($0) }.map { row[$0] }.min() ?? 0
                    for a in absent { #expect(row[a] < presentMin) }
                }
            }
        }
    }

    @Test("binary decision scores are [-d, d] and probabilities [1 - p, p]")
    func binaryShapes() throws {
        let (x, y) = Self.data(rows: 80, columns: 3, classes: 2)
        let svc = try OperatorRegistry.standard.make("LinearSVC").fit(x, y, context: FitContext())
        let d = try svc.classScores(x).scores
        for r in 0..<x.rows { #expect(d[r, 0] == -d[r, 1]) }
        let lr = try OperatorRegistry.standard.make("LogisticRegression").fit(x, y, context: FitContext())
        let p = try lr.classScores(x).scores
        for r in 0..<x.rows { #expect(abs(p[r, 0] + p[r, 1] - 1) < 1e-12) }
    }

    @Test("deterministic solvers ignore the seed; SGD follows it")
    func seeds() throws {
        let (x, y) = Self.data(rows: 200, columns: 5, classes: 3)
        for name in ["LogisticRegression", "LinearSVC"] {
            let op = try OperatorRegistry.standard.make(name)
            let a = try op.fit(x, y, context: FitContext(seed: 1)).classScores(x).scores
            let b = try op.fit(x, y, context: FitContext(seed: 2)).classScores(x).scores
            #expect(a == b, "\(name)")
        }
        let sgd = try OperatorRegistry.standard.make("SGDClassifier")
        let a = try sgd.fit(x, y, context: FitContext(seed: 1)).classScores(x).scores
        let b = try sgd.fit(x, y, context: FitContext(seed: 1)).classScores(x).scores
        let c = try sgd.fit(x, y, context: FitContext(seed: 2)).classScores(x).scores
        #expect(a == b)
        #expect(a != c)
    }

    @Test("SGD overflow is a typed numerical error")
    func sgdOverflow() throws {
        let (x, y) = Self.data(rows: 200, columns: 5, classes: nil)
        var big = x
        for i in 0..<big.values.count { big.values[i] *= 1e150 }
        let op = try OperatorRegistry.standard.make("SGDRegressor", ["learning_rate": "constant", "eta0": 10.0])
        #expect(throws: OperatorError.self) { _ = try op.fit(big, y, context: FitContext()) }
    }

    @Test("a constant target fits without trapping", arguments: ["LinearSVR", "SGDRegressor", "RidgeCV", "ElasticNetCV",
                                                                  "LassoLarsCV"])
    func constantTarget(_ name: String) throws {
        let (x, _) = Self.data(rows: 50, columns: 4, classes: nil)
        let fitted = try OperatorRegistry.standard.make(name).fit(x, .values([Double](repeating: 2.5, count: 50)),
                                                                   context: FitContext())
        let predicted = try fitted.predictValues(x)
        #expect(predicted.allSatisfy { abs($0 - 2.5) < 1e-6 || name == "SGDRegressor" || name == "LinearSVR" })
        #expect(predicted.allSatisfy { $0.isFinite })
    }

    @Test("cross-validated regressors need at least cv rows")
    func tooFewRows() throws {
        let (x, y) = Self.data(rows: 4, columns: 3, classes: nil)
        for name in ["ElasticNetCV", "LassoLarsCV"] {
            #expect(throws: OperatorError.self, "\(name)") {
                _ = try OperatorRegistry.standard.make(name).fit(x, y, context: FitContext())
            }
        }
        // RidgeCV's leave-one-out works with any row count.
        _ = try OperatorRegistry.standard.make("RidgeCV").fit(x, y, context: FitContext())
    }
}
