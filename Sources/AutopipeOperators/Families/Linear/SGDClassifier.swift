import AutopipeData

/// Linear classifiers trained by stochastic gradient descent, as scikit-learn 1.5's `SGDClassifier`: one-vs-all
/// binary problems (one for two classes), each run by `PlainSGD` (scikit-learn's `_plain_sgd`) from zero weights
/// with its own shuffling seed. `scores` are `predict_proba` for 'log_loss' (normalised one-vs-rest sigmoids) and
/// 'modified_huber' (normalised clipped decision values), `decision_function` values otherwise, as scikit-learn.
/// TPOT's 'log' loss is scikit-learn's 'log_loss' since 1.1. Not supported: `class_weight`, `average`,
/// `warm_start`. With `early_stopping`, each binary problem is scored by its own accuracy on the held-out rows
/// (scikit-learn scores the full estimator with a single binary coefficient row, which for several classes only
/// ever predicts the first two).
public struct SGDClassifier: Classifier {
    public static let name = "SGDClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "Linear classifier (hinge, log, modified Huber, ... loss) trained by SGD, one-vs-all."
    static let losses = ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error",
                         "huber", "epsilon_insensitive", "squared_epsilon_insensitive"]
    public static let space = ParameterSpace(SGDParameters.specs(
        losses: losses, defaultLoss: "hinge", lossGrid: ["log_loss", "hinge", "modified_huber", "squared_hinge", "perceptron"],
        defaultSchedule: "optimal", defaultEta0: 0.0, defaultPowerT: 0.5), rule: SGDParameters.rule)

    public let parameters: Parameters
    let settings: SGDSettings
    let earlyStopping: Bool
    let validationFraction: Double
    let lossName: String

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = SGDParameters.settings(parameters)
        earlyStopping = parameters.bool("early_stopping")
        validationFraction = parameters.double("validation_fraction")
        lossName = parameters.string("loss")
    }

    public typealias Fitted = FittedLinearClassifier

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let classes = try PresentClasses(y, classCount: classCount, operator: Self.name)
        let k = classes.present.count
        let n = x.rows, d = x.columns
        var trainRows = Array(0..<n), validationRows: [Int] = []
        if earlyStopping {
            var generator = context.child(1_000_003).generator()
            (trainRows, validationRows) = try PlainSGD.validationSplit(
                rows: n, fraction: validationFraction, strata: classes.encoded, generator: &generator, operator: Self.name)
        }
        let positives = k == 2 ? [1] : Array(0..<k)
        var coef: [Double] = [], intercept: [Double] = []
        for (index, positive) in positives.enumerated() {
            let signs = classes.signs(positive: positive)
            var generator = context.child(index).generator()
            var score: (([Double], Double) -> Double)? = nil
            if earlyStopping {
                let rows = validationRows
                score = { w, b in
                    var correct = 0
                    x.values.withUnsafeBufferPointer { xv in
                        for r in rows {
                            var s = b
                            for c in 0..<d { s += w[c] * xv[r * d + c] }
                            if (s > 0 ? 1.0 : -1.0) == signs[r] { correct += 1 }
                        }
                    }
                    return Double(correct) / Double(max(rows.count, 1))
                }
            }
            let result = try PlainSGD.run(x: x.values, rows: n, columns: d, y: signs, settings: settings,
                                          trainRows: trainRows, validationScore: score, generator: &generator,
                                          context: context, operator: Self.name)
            coef += result.weights
            intercept.append(result.intercept)
        }
        let kind: LinearScoreKind = lossName == "log_loss" ? .sigmoid : lossName == "modified_huber" ? .modifiedHuber : .decision
        return Fitted(state: LinearClassifierState(inputColumns: d, classCount: classCount,
                                                   presentClasses: classes.present, coef: coef,
                                                   intercept: intercept, kind: kind))
    }
}

/// The parameter table and rules shared by SGDClassifier and SGDRegressor (scikit-learn 1.5 domains and defaults,
/// TPOT 0.12 grids).
enum SGDParameters {
    static func specs(losses: [String], defaultLoss: String, lossGrid: [String], defaultSchedule: String,
                      defaultEta0: Double, defaultPowerT: Double) -> [ParameterSpec] {
        [
            .choice("loss", losses, default: defaultLoss, grid: lossGrid),
            .choice("penalty", ["l2", "l1", "elasticnet"], default: "l2", grid: ["elasticnet"], allowsNone: true),
            .real("alpha", atLeast: 0, default: 1e-4, grid: [0.0, 0.01, 0.001]),
            .real("l1_ratio", 0...1, default: 0.15, grid: [0.25, 0.0, 1.0, 0.75, 0.5]),
            .boolean("fit_intercept", default: true, grid: [true, false]),
            .integer("max_iter", 1..., default: 1000),
            .real("tol", default: 1e-3, allowsNone: true),
            .boolean("shuffle", default: true, grid: []),
            .real("epsilon", atLeast: 0, default: 0.1),
            .choice("learning_rate", ["constant", "optimal", "invscaling", "adaptive"], default: defaultSchedule,
                    grid: ["invscaling", "constant"]),
            .real("eta0", atLeast: 0, default: defaultEta0, grid: [0.1, 1.0, 0.01]),
            .real("power_t", default: defaultPowerT, grid: [0.5, 0.0, 1.0, 0.1, 100.0, 10.0, 50.0]),
            .boolean("early_stopping", default: false, grid: []),
            .real("validation_fraction", above: 0, below: 1, default: 0.1),
            .integer("n_iter_no_change", 1..., default: 5),
        ]
    }

    /// scikit-learn's `_more_validate_params`.
    @Sendable static func rule(_ p: Parameters) -> String? {
        let schedule = p.string("learning_rate")
        if ["constant", "invscaling", "adaptive"].contains(schedule) && p.double("eta0") <= 0 {
            return "eta0 must be > 0"
        }
        if schedule == "optimal" && p.double("alpha") == 0 {
            return "alpha must be > 0 since learning_rate is 'optimal'. alpha is used to compute the optimal learning rate."
        }
        return nil
    }

    static func settings(_ p: Parameters) -> SGDSettings {
        SGDSettings(loss: SGDLoss(name: p.string("loss"), epsilon: p.double("epsilon")),
                    penalty: p.optionalString("penalty"), alpha: p.double("alpha"), l1Ratio: p.double("l1_ratio"),
                    fitIntercept: p.bool("fit_intercept"), maxIter: p.int("max_iter"), tol: p.optionalDouble("tol"),
                    shuffle: p.bool("shuffle"),
                    schedule: SGDSettings.Schedule(rawValue: p.string("learning_rate")) ?? .optimal,
                    eta0: p.double("eta0"), powerT: p.double("power_t"), nIterNoChange: p.int("n_iter_no_change"))
    }
}
