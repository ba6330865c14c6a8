import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// Tree and boosting behaviour beyond the scikit-learn fixtures: importances, absent classes, typed errors,
/// deadlines on large fits.
@Suite("Trees and boosting: behaviour")
struct TreeBehaviourTests {
    static let treeLearners = ["DecisionTreeClassifier", "DecisionTreeRegressor", "RandomForestClassifier",
                               "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor",
                               "GradientBoostingClassifier", "GradientBoostingRegressor", "AdaBoostRegressor"]

    /// `rows` x `columns` standard-normal features; 3 classes (or a real target) driven by the first 3 columns.
    static func synthetic(rows: Int, columns: Int, regression: Bool, seed: UInt64 = 1) -> (Matrix, Targets) {
        var rng = SeededGenerator(seed: seed)
        var values = [Double](repeating: 0, count: rows * columns)
        var labels: [Int] = [], target: [Double] = []
        for r in 0..<rows {
            for c in 0..<columns { values[r * columns + c] = rng.nextGaussian() }
            let s = values[r * columns] + values[r * columns + 1] * values[r * columns + 2] + 0.3 * rng.nextGaussian()
            target.append(10 * s)
            labels.append(s < -0.5 ? 0 : (s < 0.5 ? 1 : 2))
        }
        let x = Matrix(rows: rows, columns: columns, values: values)
        return (x, regression ? .values(target) : .classes(labels, count: 3))
    }

    @Test("feature importances are non-negative, sum to 1, and favour informative columns", arguments: treeLearners)
    func importances(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let (x, y) = Self.synthetic(rows: 300, columns: 6, regression: entry.role == .regressor)
        let fitted = try entry.make().fit(x, y, context: FitContext(seed: 3))
        let importances = try #require(fitted.featureImportances)
        #expect(importances.count == 6)
        #expect(importances.allSatisfy { $0 >= 0 })
        #expect(abs(importances.reduce(0, +) - 1) < 1e-9)
        let informative = importances[0] + importances[1] + importances[2]
        #expect(informative > importances[3] + importances[4] + importances[5], "\(importances)")
    }

    @Test("inner-model use: ExtraTrees built through the registry with TPOT-style parameters")
    func innerExtraTrees() throws {
        for (name, regression) in [("ExtraTreesClassifier", false), ("ExtraTreesRegressor", true)] {
            let (x, y) = Self.synthetic(rows: 200, columns: 8, regression: regression)
            let op = try OperatorRegistry.standard.make(name, ["n_estimators": 100, "max_features": 0.35000000000000003])
            let fitted = try op.fit(x, y, context: FitContext(seed: 0))
            let importances = try #require(fitted.featureImportances)
            #expect(importances.count == 8)
            #expect(abs(importances.reduce(0, +) - 1) < 1e-9)
        }
    }

    @Test("a single-leaf tree has zero importances")
    func constantTarget() throws {
        let x = Matrix(rows: 4, columns: 2, values: [1, 2, 3, 4, 5, 6, 7, 8])
        let fitted = try OperatorRegistry.standard.make("DecisionTreeRegressor").fit(x, .values([1, 1, 1, 1]), context: FitContext())
        #expect(fitted.featureImportances == [0, 0])
        #expect(try fitted.predictValues(x) == [1, 1, 1, 1])
    }

    @Test("classes absent from training get probability 0", arguments: ["DecisionTreeClassifier", "RandomForestClassifier",
                                                                        "ExtraTreesClassifier", "GradientBoostingClassifier"])
    func absentClasses(_ name: String) throws {
        let (x, y) = Self.synthetic(rows: 120, columns: 4, regression: false)
        guard case .classes(let labels, _) = y else { return }
        // Classes 0..2 present, class 3 never seen; relabel 1 as 2 so only {0, 2} remain for a binary check too.
        for (relabel, present) in [(labels, [0, 1, 2]), (labels.map { $0 == 1 ? 2 : $0 }, [0, 2])] {
            let fitted = try OperatorRegistry.standard.make(name).fit(x, .classes(relabel, count: 4), context: FitContext(seed: 2))
            let scores = try fitted.classScores(x).scores
            #expect(scores.columns == 4)
            for r in 0..<scores.rows {
                #expect(abs(scores.row(r).reduce(0, +) - 1) < 1e-9)
                #expect(scores[r, 3] == 0)
                if !present.contains(1) { #expect(scores[r, 1] == 0) }
            }
            let predicted = try fitted.predictClasses(x)
            #expect(predicted.allSatisfy { present.contains($0) })
        }
    }

    @Test("typed errors: one class for gradient boosting, exponential loss with 3 classes, max_samples without bootstrap")
    func typedErrors() throws {
        let (x, _) = Self.synthetic(rows: 30, columns: 3, regression: false)
        let one = Targets.classes([Int](repeating: 1, count: 30), count: 3)
        #expect(throws: OperatorError.tooFewClasses(operator: "GradientBoostingClassifier", found: 1)) {
            _ = try OperatorRegistry.standard.make("GradientBoostingClassifier").fit(x, one, context: FitContext())
        }
        // Trees and forests accept a single class, as scikit-learn does.
        let forest = try OperatorRegistry.standard.make("RandomForestClassifier", ["n_estimators": 5]).fit(x, one, context: FitContext())
        #expect(try forest.predictClasses(x).allSatisfy { $0 == 1 })
        let (x3, y3) = Self.synthetic(rows: 60, columns: 3, regression: false)
        #expect(throws: OperatorError.self) {
            _ = try OperatorRegistry.standard.make("GradientBoostingClassifier", ["loss": "exponential"]).fit(x3, y3, context: FitContext())
        }
        do {
            _ = try OperatorRegistry.standard.make("RandomForestClassifier", ["bootstrap": false, "max_samples": 0.5])
            Issue.record("max_samples with bootstrap=False was accepted")
        } catch let error as OperatorError {
            guard case .invalidCombination = error else { Issue.record("wrong error \(error)"); return }
        }
        var huge = x3
        huge[0, 0] = 1e300
        #expect(throws: OperatorError.self) {
            _ = try OperatorRegistry.standard.make("DecisionTreeClassifier").fit(huge, y3, context: FitContext())
        }
    }

    @Test("max_features accepts fractions, 'sqrt', 'log2' and None, and rejects ints above 1 and zero")
    func maxFeaturesDomain() throws {
        for value: ParamValue in [0.05, 1.0, 1, "sqrt", "log2", nil] {
            _ = try OperatorRegistry.standard.make("RandomForestClassifier", ["max_features": value])
        }
        for value: ParamValue in [0.0, 1.5, 3, "auto"] {
            #expect(throws: OperatorError.self) {
                _ = try OperatorRegistry.standard.make("RandomForestClassifier", ["max_features": value])
            }
        }
        let op = try OperatorRegistry.standard.make("RandomForestClassifier", ["max_features": 1])
        #expect(op.parameters["max_features"] == .double(1.0))
    }

    @Test("seeds: same seed same forest, another seed another forest")
    func seeds() throws {
        let (x, y) = Self.synthetic(rows: 200, columns: 5, regression: false)
        let op = try OperatorRegistry.standard.make("RandomForestClassifier", ["n_estimators": 20])
        let a = try op.fit(x, y, context: FitContext(seed: 1)).classScores(x).scores
        let b = try op.fit(x, y, context: FitContext(seed: 1)).classScores(x).scores
        let c = try op.fit(x, y, context: FitContext(seed: 2)).classScores(x).scores
        #expect(a == b)
        #expect(a != c)
    }

    @Test("forests and multi-class boosting grown with trees on other threads equal those grown in order",
          arguments: ["RandomForestClassifier", "ExtraTreesClassifier", "RandomForestRegressor", "ExtraTreesRegressor",
                      "GradientBoostingClassifier"])
    func helpers(_ name: String) throws {
        // Enough work that the pieces go to the helpers (FitContext.minimumHelpedWork).
        let boosting = name.hasPrefix("Gradient")
        let (x, y) = Self.synthetic(rows: boosting ? 4000 : 400, columns: 8, regression: name.hasSuffix("Regressor"))
        let parameters: Parameters = boosting
            ? ["n_estimators": 12, "subsample": 0.8, "max_features": 0.5, "max_depth": 3]
            : ["n_estimators": 24, "bootstrap": true]
        // Boosting: 80% of the rows x 8 columns x 3 classes per stage; forests: rows x 8 columns x 24 trees.
        #expect((boosting ? x.rows * 4 / 5 * 8 * 3 : x.rows * 8 * 24) >= FitContext.minimumHelpedWork)
        let op = try OperatorRegistry.standard.make(name, parameters)
        let alone = try op.fit(x, y, context: FitContext(seed: 7))
        let helped = try op.fit(x, y, context: FitContext(seed: 7, helpers: ThreadedHelpers()))
        if name.hasSuffix("Regressor") {
            #expect(try alone.predictValues(x) == helped.predictValues(x))
        } else {
            #expect(try alone.classScores(x).scores == helped.classScores(x).scores)
        }
        #expect(alone.featureImportances == helped.featureImportances)
    }

    @Test("a deadline stops a large fit quickly", arguments: treeLearners)
    func deadline(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let (x, y) = Self.synthetic(rows: 20000, columns: 20, regression: entry.role == .regressor)
        let parameters: Parameters
        switch name {
        case "DecisionTreeClassifier", "DecisionTreeRegressor": parameters = [:]
        case "AdaBoostRegressor": parameters = ["n_estimators": 5000]
        case "GradientBoostingClassifier", "GradientBoostingRegressor": parameters = ["n_estimators": 5000, "max_depth": 8]
        default: parameters = ["n_estimators": 500]
        }
        let op = try entry.make(parameters)
        let start = ContinuousClock.now
        // A single tree on this data may finish before the deadline; anything bigger must stop.
        do {
            _ = try op.fit(x, y, context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
            #expect(name.hasPrefix("DecisionTree"), "\(name) finished a deliberately large fit inside 0.2 s")
        } catch let error as OperatorError {
            #expect(error == .timedOut(seconds: 0.2))
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .milliseconds(500), "\(name) took \(elapsed)")
    }
}
