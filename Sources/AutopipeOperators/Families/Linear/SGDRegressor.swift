import AutopipeData

/// Linear regression trained by stochastic gradient descent, as scikit-learn 1.5's `SGDRegressor` (`PlainSGD`,
/// scikit-learn's `_plain_sgd`, from zero weights). TPOT's 'squared_loss' is scikit-learn's 'squared_error' since
/// 1.0. Not supported: `average`, `warm_start`. With `early_stopping`, the held-out rows are scored by R^2, as
/// scikit-learn.
public struct SGDRegressor: Regressor {
    public static let name = "SGDRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "Linear regressor (squared, Huber, epsilon-insensitive loss) trained by SGD."
    public static let space = ParameterSpace(SGDParameters.specs(
        losses: ["squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive"],
        defaultLoss: "squared_error", lossGrid: ["squared_error", "huber", "epsilon_insensitive"],
        defaultSchedule: "invscaling", defaultEta0: 0.01, defaultPowerT: 0.25), rule: SGDParameters.rule)

    public let parameters: Parameters
    let settings: SGDSettings
    let earlyStopping: Bool
    let validationFraction: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = SGDParameters.settings(parameters)
        earlyStopping = parameters.bool("early_stopping")
        validationFraction = parameters.double("validation_fraction")
    }

    public typealias Fitted = FittedLinearRegressor

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        var trainRows = Array(0..<n), validationRows: [Int] = []
        if earlyStopping {
            var generator = context.child(1_000_003).generator()
            (trainRows, validationRows) = try PlainSGD.validationSplit(
                rows: n, fraction: validationFraction, strata: nil, generator: &generator, operator: Self.name)
        }
        var score: (([Double], Double) -> Double)? = nil
        if earlyStopping {
            let rows = validationRows
            score = { w, b in
                var mean = 0.0
                for r in rows { mean += y[r] }
                mean /= Double(rows.count)
                var residual = 0.0, total = 0.0
                x.values.withUnsafeBufferPointer { xv in
                    for r in rows {
                        var s = b
                        for c in 0..<d { s += w[c] * xv[r * d + c] }
                        residual += (y[r] - s) * (y[r] - s)
                        total += (y[r] - mean) * (y[r] - mean)
                    }
                }
                return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
            }
        }
        var generator = context.generator()
        let result = try PlainSGD.run(x: x.values, rows: n, columns: d, y: y, settings: settings, trainRows: trainRows,
                                      validationScore: score, generator: &generator, context: context,
                                      operator: Self.name)
        return Fitted(inputColumns: d, coef: result.weights, intercept: result.intercept)
    }
}
