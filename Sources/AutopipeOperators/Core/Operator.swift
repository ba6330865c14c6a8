import AutopipeData

/// What an operator does in a pipeline.
public enum OperatorRole: String, Codable, Sendable, CaseIterable {
    /// Rewrites the features (scalers, decompositions, kernel maps, encoders, imputers).
    case transformer
    /// Keeps a subset of the features.
    case selector
    case classifier
    case regressor

    public var isLearner: Bool { self == .classifier || self == .regressor }
    public var isPreprocessor: Bool { !isLearner }

    /// The template word TPOT uses (`Selector-Transformer-Classifier`).
    public var templateName: String {
        switch self {
        case .transformer: return "Transformer"
        case .selector: return "Selector"
        case .classifier: return "Classifier"
        case .regressor: return "Regressor"
        }
    }
}

/// An unfitted operator: an immutable value of validated hyperparameters, named after its scikit-learn class.
/// Fitting never mutates it; it returns a separate fitted value.
public protocol Operator: Sendable {
    /// scikit-learn's class name (`RandomForestClassifier`).
    static var name: String { get }
    static var role: OperatorRole { get }
    /// The declarative parameter table.
    static var space: ParameterSpace { get }
    /// One line for `--list-operators`.
    static var summary: String { get }
    /// Whether the operator accepts NaN in its input (an imputer does; most do not).
    static var acceptsMissingValues: Bool { get }
    /// The validated parameters, every one present.
    var parameters: Parameters { get }
    /// Builds the operator from parameters that `space` has already validated and completed.
    init(validated parameters: Parameters) throws
}

extension Operator {
    public static var acceptsMissingValues: Bool { false }

    /// Validates `parameters` (filling defaults) and builds the operator. Errors name the parameter.
    public init(_ parameters: Parameters = [:]) throws {
        try self.init(validated: Self.space.validate(parameters, operator: Self.name))
    }
}

/// A fitted operator: learned state, `Codable` so fitted pipelines can be saved and loaded.
public protocol FittedOperator: Sendable, Codable {
    /// The number of input columns seen at fit time.
    var inputColumns: Int { get }
}

public protocol Transformer: Operator {
    associatedtype Fitted: FittedTransformer
    /// `y` is available for supervised transformers (selectors); others ignore it.
    func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted
}

public protocol FittedTransformer: FittedOperator {
    func transform(_ x: Matrix) throws -> Matrix
}

public protocol Classifier: Operator {
    associatedtype Fitted: FittedClassifier
    /// `y` holds class indices in `0..<classCount`; classes absent from `y` get probability 0.
    func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted
}

public protocol FittedClassifier: FittedOperator {
    var classCount: Int { get }
    /// Whether `scores` are probabilities (`predict_proba`) or decision values (`decision_function`).
    var scoresAreProbabilities: Bool { get }
    /// One row per sample, one column per class; higher means more likely.
    func scores(_ x: Matrix) throws -> Matrix
    func predict(_ x: Matrix) throws -> [Int]
}

extension FittedClassifier {
    /// Default prediction: the class with the highest score (first on ties, like numpy's argmax).
    public func predict(_ x: Matrix) throws -> [Int] {
        try scores(x).argmaxPerRow()
    }
}

public protocol Regressor: Operator {
    associatedtype Fitted: FittedRegressor
    func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted
}

public protocol FittedRegressor: FittedOperator {
    func predict(_ x: Matrix) throws -> [Double]
}

extension Matrix {
    /// Index of the largest value in each row (first on ties).
    public func argmaxPerRow() -> [Int] {
        var out = [Int](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                let base = r * columns
                var best = 0
                var bestValue = -Double.infinity
                for c in 0..<columns where v[base + c] > bestValue {
                    bestValue = v[base + c]
                    best = c
                }
                out[r] = best
            }
        }
        return out
    }
}
