import AutopipeData

/// Histogram gradient boosting for classification, as scikit-learn's `HistGradientBoostingClassifier` with
/// `loss='log_loss'`: one tree per iteration for two classes (binomial), one tree per class per iteration
/// otherwise (multinomial); second-order (gradient + hessian) leaf values -G / (H + l2_regularization); features
/// binned to at most `max_bins` quantile bins plus a missing-values bin; NaN handled natively (sent to the better
/// side of each split). `early_stopping` behaves as scikit-learn's default `'auto'` (on above 10,000 samples,
/// `scoring='loss'` on a stratified `validation_fraction` hold-out, `n_iter_no_change`, `tol`).
///
/// autopipe's stand-in for TPOT's XGBClassifier. Grid (TPOT's XGB grid translated): learning_rate
/// {1e-3, 1e-2, 1e-1, 0.5, 1}, max_depth 1...10, max_iter {100}, min_samples_leaf 1...20,
/// l2_regularization {0, 1e-3, 1e-2, 1e-1, 1, 10}.
///
/// Differences: `early_stopping`, `scoring`, `categorical_features`, `monotonic_cst`, `interaction_cst`,
/// `class_weight` and `warm_start` are not parameters (fixed at scikit-learn's defaults); the validation split,
/// the >200,000-row binning subsample and `max_features` draws use autopipe's generator, not numpy's.
/// A training set with a single class gives a constant model (probability 1 for that class).
public struct HistGradientBoostingClassifier: Classifier {
    public static let name = "HistGradientBoostingClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "Histogram gradient boosting (second-order, L2-regularised), scikit-learn's HistGradientBoostingClassifier."
    public static let acceptsMissingValues = true
    public static let space = ParameterSpace(
        [.choice("loss", ["log_loss"], default: "log_loss", grid: [], doc: "Log loss (binomial or multinomial).")]
            + HistBoostingConfig.sharedSpecs)

    public let parameters: Parameters
    let config: HistBoostingConfig

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        config = HistBoostingConfig(parameters)
    }

    public struct Fitted: FittedClassifier {
        public let inputColumns: Int
        public let classCount: Int
        public var scoresAreProbabilities: Bool { true }
        /// The classes present in training, in order (the model's outputs map to these).
        let classes: [Int]
        /// nil when a single class was present.
        let ensemble: HistEnsemble?

        public func scores(_ x: Matrix) throws -> Matrix {
            var out = Matrix(rows: x.rows, columns: classCount)
            guard let ensemble else {
                for r in 0..<x.rows { out[r, classes[0]] = 1 }
                return out
            }
            let k = ensemble.treesPerIteration
            let p = HistBooster.probabilities(ensemble.rawPredict(x), n: x.rows, k: k)
            let m = classes.count
            for r in 0..<x.rows {
                for (j, cls) in classes.enumerated() { out[r, cls] = p[r * m + j] }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        var present = [Bool](repeating: false, count: classCount)
        for label in y {
            guard label >= 0 && label < classCount else {
                throw OperatorError.invalidInput(operator: Self.name, reason: "class index \(label) out of range")
            }
            present[label] = true
        }
        let classes = (0..<classCount).filter { present[$0] }
        guard classes.count >= 2 else {
            return Fitted(inputColumns: x.columns, classCount: classCount, classes: classes, ensemble: nil)
        }
        var encode = [Int](repeating: 0, count: classCount)
        for (j, cls) in classes.enumerated() { encode[cls] = j }
        let labels = y.map { encode[$0] }
        let ensemble = try HistBooster.fit(x, labels: labels, classes: classes.count, targets: [],
                                           loss: classes.count == 2 ? .binomial : .multinomial,
                                           config: config, context: context)
        return Fitted(inputColumns: x.columns, classCount: classCount, classes: classes, ensemble: ensemble)
    }
}
