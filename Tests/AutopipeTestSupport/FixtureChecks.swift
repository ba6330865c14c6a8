import AutopipeData
import AutopipeOperators
import Foundation

/// Runs fixture cases against autopipe's operators and reports mismatches as text (empty = pass).
public enum FixtureChecks {
    /// Fits the case's operator on its training rows and compares every expected output.
    public static func check(_ fixture: FixtureCase) throws -> [String] {
        let (x, targets) = try data(for: fixture)
        let trainRows = fixture.trainRows ?? Array(0..<x.rows)
        let testRows = fixture.testRows ?? trainRows
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        let fitted = try op.fit(x.selectingRows(trainRows), targets.selecting(trainRows), context: FitContext(seed: 0))
        let xTest = x.selectingRows(testRows)
        var problems: [String] = []
        for (kind, value) in fixture.expected.sorted(by: { $0.key < $1.key }) {
            switch kind {
            case "transform":
                guard let expected = value.matrix else { problems.append("transform: not a matrix"); continue }
                problems += compare(try fitted.transform(xTest), expected, fixture, label: "transform")
            case "predict":
                guard let expected = value.vector else { problems.append("predict: not a vector"); continue }
                let actual: [Double]
                switch fitted.model {
                case .classifier: actual = try fitted.predictClasses(xTest).map(Double.init)
                case .regressor: actual = try fitted.predictValues(xTest)
                case .transformer: problems.append("predict on a transformer"); continue
                }
                problems += compare(Matrix(columns: [actual]), Matrix(columns: [expected]), fixture, label: "predict")
            case "predict_proba", "decision_function":
                guard let expected = value.matrix else { problems.append("\(kind): not a matrix"); continue }
                var actual = try fitted.classScores(xTest).scores
                // scikit-learn's binary decision_function has one column (the positive class's score).
                if kind == "decision_function", expected.columns == 1, actual.columns == 2 {
                    actual = actual.selectingColumns([1])
                }
                problems += compare(actual, expected, fixture, label: kind)
            default:
                problems.append("unknown expected output '\(kind)'")
            }
        }
        return problems
    }

    /// Cross-validates the case's operator (alone) on the fixture's folds; returns autopipe's fold scores.
    public static func crossValidate(_ fixture: CVFixtureCase) throws -> [Double] {
        let dataset = try TestSupport.dataset(fixture.dataset)
        guard let metric = Metric(rawValue: fixture.metric) else { throw OperatorError.invalidPipeline(reason: "metric") }
        let plan = FoldPlan(rowCount: dataset.rowCount, testFolds: fixture.folds)
        let pipeline = PipelineNode.step(Step(fixture.operator, fixture.parameters), input: .input)
        var scores: [Double] = []
        for k in 0..<plan.count {
            let train = plan.trainRows(k), test = plan.testFolds[k]
            let model = try FittedPipeline.fit(pipeline, dataset.features.selectingRows(train),
                                               dataset.targets.selecting(train), context: FitContext(seed: UInt64(k)))
            let predictions = try model.predictions(dataset.features.selectingRows(test))
            scores.append(metric.score(truth: dataset.targets.selecting(test), predictions: predictions))
        }
        return scores
    }

    /// The largest absolute difference between autopipe's feature importances and scikit-learn's for a case that
    /// carries them (fitted on the case's training rows), or a text saying why they cannot be compared.
    public static func importanceDifference(_ fixture: FixtureCase) throws -> Result<Double, ImportanceMismatch> {
        guard let expected = fixture.featureImportances else { return .failure(.init("no importances in the fixture")) }
        let (x, y) = try data(for: fixture)
        let rows = fixture.trainRows ?? Array(0..<x.rows)
        let fitted = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
            .fit(x.selectingRows(rows), y.selecting(rows), context: FitContext(seed: 0))
        guard let actual = fitted.featureImportances else { return .failure(.init("the fitted model has none")) }
        guard actual.count == expected.count else {
            return .failure(.init("\(actual.count) importances, scikit-learn has \(expected.count)"))
        }
        return .success(zip(actual, expected).map { abs($0 - $1) }.max() ?? 0)
    }

    public struct ImportanceMismatch: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static func data(for fixture: FixtureCase) throws -> (Matrix, Targets) {
        if let name = fixture.dataset {
            let dataset = try TestSupport.dataset(name)
            return (dataset.features, dataset.targets)
        }
        let x = Matrix(fixture.x ?? [])
        let y = fixture.y ?? [Double](repeating: 0, count: x.rows)
        if fixture.task == "regression" { return (x, .values(y)) }
        let labels = y.map { Int($0) }
        return (x, .classes(labels, count: (labels.max() ?? 0) + 1))
    }

    static func compare(_ actual: Matrix, _ expected: Matrix, _ fixture: FixtureCase, label: String) -> [String] {
        guard actual.rows == expected.rows, actual.columns == expected.columns else {
            return ["\(label): shape \(actual.rows)x\(actual.columns), scikit-learn \(expected.rows)x\(expected.columns)"]
        }
        let tol = fixture.tolerance
        switch fixture.compare {
        case "agreement":
            var same = 0
            for i in 0..<actual.values.count where actual.values[i] == expected.values[i] { same += 1 }
            let fraction = Double(same) / Double(max(actual.values.count, 1))
            return fraction >= 1 - tol ? [] : ["\(label): agreement \(fraction) below \(1 - tol)"]
        case "up_to_sign":
            var problems: [String] = []
            for c in 0..<actual.columns {
                let a = actual.column(c), e = expected.column(c)
                let same = zip(a, e).map { abs($0 - $1) }.max() ?? 0
                let flipped = zip(a, e).map { abs($0 + $1) }.max() ?? 0
                if min(same, flipped) > tol { problems.append("\(label) column \(c): max difference \(min(same, flipped)) > \(tol)") }
            }
            return problems
        default:
            var worst = 0.0, worstIndex = 0
            for i in 0..<actual.values.count {
                let a = actual.values[i], e = expected.values[i]
                let scale = fixture.compare == "relative" ? max(1, abs(e)) : 1
                let d = a.isNaN && e.isNaN ? 0 : abs(a - e) / scale
                if !(d <= worst) || d.isNaN { worst = d.isNaN ? .infinity : d; worstIndex = i }
            }
            if worst > tol {
                let r = worstIndex / max(actual.columns, 1), c = worstIndex % max(actual.columns, 1)
                return ["\(label): max \(fixture.compare) difference \(worst) > \(tol) at (\(r), \(c)): "
                    + "autopipe \(actual.values[worstIndex]), scikit-learn \(expected.values[worstIndex])"]
            }
            return []
        }
    }
}
