import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Multinomial naive Bayes, as scikit-learn's `MultinomialNB`: per-class feature log-probabilities
/// log((count + alpha) / (class total + alpha * n_features)); negative input is rejected with a typed
/// `.invalidInput` error at fit time ("Negative values in data passed to MultinomialNB (input X)"), as
/// scikit-learn raises.
///
/// Grid: TPOT 0.12's (alpha in {1e-3, 1e-2, 1e-1, 1, 10, 100}, fit_prior in {True, False}).
/// `class_prior` (an array) is not supported. Deliberate difference: a zero smoothed probability (alpha = 0
/// with `force_alpha`) is a typed `.numerical` error where scikit-learn would return NaN scores.
public struct MultinomialNB: Classifier {
    public static let name = "MultinomialNB"
    public static let role = OperatorRole.classifier
    public static let summary = "Naive Bayes for count-like non-negative features."
    public static let space: ParameterSpace = [
        .real("alpha", atLeast: 0, default: 1.0, grid: [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0],
              doc: "Additive (Laplace/Lidstone) smoothing."),
        .boolean("force_alpha", default: true, grid: [],
                 doc: "If false, alpha below 1e-10 is raised to 1e-10."),
        .boolean("fit_prior", default: true, doc: "Learn class priors (else uniform)."),
    ]

    public let parameters: Parameters
    let alpha: Double
    let fitPrior: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        let a = parameters.double("alpha")
        alpha = parameters.bool("force_alpha") ? a : max(a, 1e-10)
        fitPrior = parameters.bool("fit_prior")
    }

    public struct Fitted: FittedClassifier {
        let model: DiscreteNBModel
        public var inputColumns: Int { model.inputColumns }
        public var classCount: Int { model.classCount }
        public var scoresAreProbabilities: Bool { true }

        public func scores(_ x: Matrix) throws -> Matrix { model.probabilities(x) }
        public func predict(_ x: Matrix) throws -> [Int] { model.jointLogLikelihood(x).argmaxPerRow() }
    }

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        if x.values.contains(where: { $0 < 0 }) {
            throw OperatorError.invalidInput(operator: Self.name,
                                             reason: "Negative values in data passed to MultinomialNB (input X)")
        }
        let d = x.columns
        let (features, classCounts) = DiscreteNBModel.count(x, y, classCount: classCount, binarize: nil)
        let offsets = DiscreteNBModel.classLogPrior(classCounts, fitPrior: fitPrior)
        var weights = [Double](repeating: 0, count: classCount * d)
        for k in 0..<classCount where classCounts[k] > 0 {
            var total = 0.0
            for c in 0..<d { total += features[k * d + c] + alpha }
            let logTotal = log(total)
            for c in 0..<d {
                let w = log(features[k * d + c] + alpha) - logTotal
                guard w.isFinite else {
                    throw OperatorError.numerical(operator: Self.name,
                        detail: "a feature has zero probability in a class (alpha = \(alpha)); use a positive alpha")
                }
                weights[k * d + c] = w
            }
        }
        return Fitted(model: DiscreteNBModel(inputColumns: d, classCount: classCount, weights: weights,
                                             offsets: offsets, binarize: nil))
    }
}
