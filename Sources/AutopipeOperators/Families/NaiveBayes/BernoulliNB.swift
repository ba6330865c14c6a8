import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Bernoulli naive Bayes, as scikit-learn's `BernoulliNB`: features are binarised at `binarize` (values strictly
/// above it count as 1; `None` keeps the input as is), per-class feature probabilities are smoothed with
/// `alpha` ((count + alpha) / (class count + 2 alpha)), and absent features contribute log(1 - p).
///
/// Grid: TPOT 0.12's (alpha in {1e-3, 1e-2, 1e-1, 1, 10, 100}, fit_prior in {True, False}).
/// `class_prior` (an array) is not supported. Deliberate difference: a zero smoothed probability (alpha = 0
/// with `force_alpha`) is a typed `.numerical` error where scikit-learn would return NaN scores.
public struct BernoulliNB: Classifier {
    public static let name = "BernoulliNB"
    public static let role = OperatorRole.classifier
    public static let summary = "Naive Bayes for binary (or binarised) features."
    public static let space: ParameterSpace = [
        .real("alpha", atLeast: 0, default: 1.0, grid: [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0],
              doc: "Additive (Laplace/Lidstone) smoothing."),
        .boolean("force_alpha", default: true, grid: [],
                 doc: "If false, alpha below 1e-10 is raised to 1e-10."),
        .real("binarize", atLeast: 0, default: 0.0, grid: [], allowsNone: true,
              doc: "Threshold for binarising features (None: input is already binary)."),
        .boolean("fit_prior", default: true, doc: "Learn class priors (else uniform)."),
    ]

    public let parameters: Parameters
    let alpha: Double
    let binarize: Double?
    let fitPrior: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        let a = parameters.double("alpha")
        alpha = parameters.bool("force_alpha") ? a : max(a, 1e-10)
        binarize = parameters.optionalDouble("binarize")
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
        let d = x.columns
        let (features, classCounts) = DiscreteNBModel.count(x, y, classCount: classCount, binarize: binarize)
        let prior = DiscreteNBModel.classLogPrior(classCounts, fitPrior: fitPrior)
        var weights = [Double](repeating: 0, count: classCount * d)
        var offsets = prior
        for k in 0..<classCount where classCounts[k] > 0 {
            let denominator = log(classCounts[k] + 2 * alpha)
            var negativeSum = 0.0
            for c in 0..<d {
                let logP = log(features[k * d + c] + alpha) - denominator
                let logNotP = log(1 - exp(logP))
                guard logP.isFinite, logNotP.isFinite else {
                    throw OperatorError.numerical(operator: Self.name,
                        detail: "a feature probability is 0 or 1 (alpha = \(alpha)); use a positive alpha")
                }
                weights[k * d + c] = logP - logNotP
                negativeSum += logNotP
            }
            offsets[k] += negativeSum
        }
        return Fitted(model: DiscreteNBModel(inputColumns: d, classCount: classCount, weights: weights,
                                             offsets: offsets, binarize: binarize))
    }
}
