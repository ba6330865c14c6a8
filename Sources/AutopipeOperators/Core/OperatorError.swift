/// Why an operator could not be built, fitted or applied. Every case says which operator and why; the search
/// records it against the pipeline instead of swallowing it into a score.
public enum OperatorError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    case unknownOperator(name: String, suggestion: String?)
    case unknownParameter(operator: String, parameter: String, known: [String])
    case invalidParameter(operator: String, parameter: String, message: String)
    case invalidCombination(operator: String, message: String)
    case emptyInput(operator: String)
    case nonFiniteInput(operator: String)
    case wrongColumnCount(operator: String, expected: Int, found: Int)
    case wrongTask(operator: String, expected: String)
    case tooFewClasses(operator: String, found: Int)
    case singularMatrix(operator: String, detail: String)
    case notConverged(operator: String, detail: String)
    case numerical(operator: String, detail: String)
    case invalidInput(operator: String, reason: String)
    case invalidPipeline(reason: String)
    case invalidModel(reason: String)
    /// The evaluation's deadline passed (`--max-eval-time`, or the search's own limit).
    case timedOut(seconds: Double)
    /// The evaluation was cancelled (the search is stopping).
    case cancelled

    public var description: String {
        switch self {
        case .unknownOperator(let name, let suggestion):
            return "unknown operator '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; `autopipe search --list-operators` lists them"
        case .unknownParameter(let op, let parameter, let known):
            return "\(op) has no parameter '\(parameter)'; its parameters are " + known.joined(separator: ", ")
        case .invalidParameter(_, _, let message):
            return message
        case .invalidCombination(let op, let message):
            return "\(op): \(message)"
        case .emptyInput(let op):
            return "\(op): the input has no rows or no columns"
        case .nonFiniteInput(let op):
            return "\(op): the input contains NaN or infinity; put a SimpleImputer before it"
        case .wrongColumnCount(let op, let expected, let found):
            return "\(op): expected \(expected) input column\(expected == 1 ? "" : "s") (as when fitted), got \(found)"
        case .wrongTask(let op, let expected):
            return "\(op) needs \(expected) targets"
        case .tooFewClasses(let op, let found):
            return "\(op): the training data has \(found) class\(found == 1 ? "" : "es"); at least 2 are needed"
        case .singularMatrix(let op, let detail):
            return "\(op): singular matrix (\(detail))"
        case .notConverged(let op, let detail):
            return "\(op): did not converge (\(detail))"
        case .numerical(let op, let detail):
            return "\(op): numerical failure (\(detail))"
        case .invalidInput(let op, let reason):
            return "\(op): \(reason)"
        case .invalidPipeline(let reason):
            return "invalid pipeline: \(reason)"
        case .invalidModel(let reason):
            return "invalid fitted model: \(reason)"
        case .timedOut(let seconds):
            return "timed out after \(seconds) s"
        case .cancelled:
            return "cancelled"
        }
    }

    /// A short machine-friendly reason code for records and metrics.
    public var code: String {
        switch self {
        case .unknownOperator: return "unknown_operator"
        case .unknownParameter: return "unknown_parameter"
        case .invalidParameter: return "invalid_parameter"
        case .invalidCombination: return "invalid_combination"
        case .emptyInput: return "empty_input"
        case .nonFiniteInput: return "non_finite_input"
        case .wrongColumnCount: return "wrong_column_count"
        case .wrongTask: return "wrong_task"
        case .tooFewClasses: return "too_few_classes"
        case .singularMatrix: return "singular_matrix"
        case .notConverged: return "not_converged"
        case .numerical: return "numerical"
        case .invalidInput: return "invalid_input"
        case .invalidPipeline: return "invalid_pipeline"
        case .invalidModel: return "invalid_model"
        case .timedOut: return "timed_out"
        case .cancelled: return "cancelled"
        }
    }
}
