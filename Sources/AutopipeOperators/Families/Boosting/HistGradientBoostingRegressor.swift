import AutopipeData

/// Histogram gradient boosting for regression, as scikit-learn's `HistGradientBoostingRegressor` with
/// `loss='squared_error'`: the same booster as HistGradientBoostingClassifier (binning to `max_bins` quantile
/// bins, leaf-wise growth, histogram subtraction, native NaN handling, `early_stopping='auto'`), with the
/// half squared error (gradient raw - y, constant hessian 1) and the mean of y as baseline.
///
/// autopipe's stand-in for TPOT's XGBRegressor. Grid: as HistGradientBoostingClassifier's (learning_rate
/// {1e-3, 1e-2, 1e-1, 0.5, 1}, max_depth 1...10, max_iter {100}, min_samples_leaf 1...20,
/// l2_regularization {0, 1e-3, 1e-2, 1e-1, 1, 10}).
///
/// Differences: only `loss='squared_error'` (scikit-learn also has absolute_error, gamma, poisson, quantile);
/// `early_stopping`, `scoring`, `categorical_features`, `monotonic_cst`, `interaction_cst` and `warm_start` are
/// not parameters (fixed at scikit-learn's defaults); the validation split and subsamples use autopipe's
/// generator.
public struct HistGradientBoostingRegressor: Regressor {
    public static let name = "HistGradientBoostingRegressor"
    public static let role = OperatorRole.regressor
    public static let summary = "Histogram gradient boosting (second-order, L2-regularised), scikit-learn's HistGradientBoostingRegressor."
    public static let acceptsMissingValues = true
    public static let space = ParameterSpace(
        [.choice("loss", ["squared_error"], default: "squared_error", grid: [], doc: "Half squared error.")]
            + HistBoostingConfig.sharedSpecs)

    public let parameters: Parameters
    let config: HistBoostingConfig

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        config = HistBoostingConfig(parameters)
    }

    public struct Fitted: FittedRegressor {
        public let inputColumns: Int
        let ensemble: HistEnsemble

        public func predict(_ x: Matrix) throws -> [Double] {
            ensemble.rawPredict(x)
        }
    }

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        guard y.allSatisfy({ $0.isFinite }) else {
            throw OperatorError.invalidInput(operator: Self.name, reason: "the target contains NaN or infinity")
        }
        let ensemble = try HistBooster.fit(x, labels: [], classes: 1, targets: y, loss: .squaredError,
                                           config: config, context: context)
        return Fitted(inputColumns: x.columns, ensemble: ensemble)
    }
}
