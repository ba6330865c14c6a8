import AutopipeData

/// Multi-layer perceptron classifier, as scikit-learn's `MLPClassifier` with `solver='adam'` (see `MLPTrainer`
/// for the training loop): one hidden layer of `hidden_layer_sizes` units, the chosen hidden activation,
/// a logistic output for two classes or softmax otherwise; layer products through BLAS dgemm.
///
/// Grid: TPOT 0.12's (alpha {1e-4, 1e-3, 1e-2, 1e-1}, learning_rate_init {1e-3, 1e-2, 1e-1, 0.5, 1}).
/// Differences: `hidden_layer_sizes` is one int (a single hidden layer; scikit-learn also accepts a tuple of
/// several); only `solver='adam'`; `batch_size` is fixed at 'auto' (min(200, n)); weight initialisation and
/// shuffling draw from autopipe's generator, so results match scikit-learn's in distribution, not bit for bit.
/// A training set with a single class gives a constant model.
public struct MLPClassifier: Classifier {
    public static let name = "MLPClassifier"
    public static let role = OperatorRole.classifier
    public static let summary = "Multi-layer perceptron (one hidden layer, Adam), scikit-learn's MLPClassifier."
    public static let space = ParameterSpace([
        .integer("hidden_layer_sizes", 1..., default: 100, grid: [], doc: "Units in the hidden layer."),
        .choice("activation", ["identity", "logistic", "tanh", "relu"], default: "relu", grid: [],
                doc: "Hidden-layer activation."),
        .choice("solver", ["adam"], default: "adam", grid: [], doc: "Optimiser (Adam only)."),
        .real("alpha", atLeast: 0, default: 1e-4, grid: [1e-4, 1e-3, 1e-2, 1e-1], doc: "L2 penalty."),
        .real("learning_rate_init", above: 0, default: 1e-3, grid: [1e-3, 1e-2, 1e-1, 0.5, 1.0],
              doc: "Adam's step size."),
        .integer("max_iter", 1..., default: 200, grid: [], doc: "Epochs."),
        .boolean("shuffle", default: true, grid: [], doc: "Reshuffle the rows every epoch."),
        .real("tol", atLeast: 0, default: 1e-4, grid: [], doc: "Improvement needed to reset the patience."),
        .boolean("early_stopping", default: false, grid: [],
                 doc: "Stop on a held-out validation accuracy instead of the training loss."),
        .real("validation_fraction", atLeast: 0, below: 1, default: 0.1, grid: [],
              doc: "Held-out fraction for early_stopping."),
        .real("beta_1", atLeast: 0, below: 1, default: 0.9, grid: [], doc: "Adam's first-moment decay."),
        .real("beta_2", atLeast: 0, below: 1, default: 0.999, grid: [], doc: "Adam's second-moment decay."),
        .real("epsilon", above: 0, default: 1e-8, grid: [], doc: "Adam's numerical stabiliser."),
        .integer("n_iter_no_change", 1..., default: 10, grid: [], doc: "Patience in epochs."),
    ], rule: { p in
        if p["early_stopping"]?.boolValue == true, (p["validation_fraction"]?.doubleValue ?? 0.1) <= 0 {
            return "validation_fraction must be greater than 0 when early_stopping is True"
        }
        return nil
    })

    public let parameters: Parameters
    let settings: MLPSettings

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        settings = MLPSettings(
            hidden: parameters.int("hidden_layer_sizes"),
            activation: MLPActivation(rawValue: parameters.string("activation")) ?? .relu,
            alpha: parameters.double("alpha"), learningRateInit: parameters.double("learning_rate_init"),
            maxIter: parameters.int("max_iter"), shuffle: parameters.bool("shuffle"), tol: parameters.double("tol"),
            earlyStopping: parameters.bool("early_stopping"),
            validationFraction: parameters.double("validation_fraction"), beta1: parameters.double("beta_1"),
            beta2: parameters.double("beta_2"), epsilon: parameters.double("epsilon"),
            nIterNoChange: parameters.int("n_iter_no_change"))
    }

    public struct Fitted: FittedClassifier {
        public let inputColumns: Int
        public let classCount: Int
        public var scoresAreProbabilities: Bool { true }
        /// The classes present in training, in order (the network's outputs map to these).
        let classes: [Int]
        /// nil when a single class was present.
        let network: MLPNetwork?

        public func scores(_ x: Matrix) throws -> Matrix {
            var out = Matrix(rows: x.rows, columns: classCount)
            guard let network else {
                for r in 0..<x.rows { out[r, classes[0]] = 1 }
                return out
            }
            let p = network.predict(x)
            if classes.count == 2 {
                for r in 0..<x.rows {
                    out[r, classes[0]] = 1 - p[r]
                    out[r, classes[1]] = p[r]
                }
            } else {
                let m = classes.count
                for r in 0..<x.rows { for (j, cls) in classes.enumerated() { out[r, cls] = p[r * m + j] } }
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
            return Fitted(inputColumns: x.columns, classCount: classCount, classes: classes, network: nil)
        }
        var encode = [Int](repeating: 0, count: classCount)
        for (j, cls) in classes.enumerated() { encode[cls] = j }
        let network = try MLPTrainer.train(x, labels: y.map { encode[$0] }, classes: classes.count,
                                           settings: settings, operator: Self.name, context: context)
        return Fitted(inputColumns: x.columns, classCount: classCount, classes: classes, network: network)
    }
}
