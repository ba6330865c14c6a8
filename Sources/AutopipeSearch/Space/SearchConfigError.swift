import AutopipeData
import AutopipeOperators

/// What is wrong with an operator configuration (`--config`) or a template (`--template`). Each message names
/// the file, operator, parameter or value at fault; the CLI prints it and exits with status 2.
public enum SearchConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, detail: String)
    case unknownOperator(config: String, name: String, suggestion: String?)
    case duplicateOperator(config: String, name: String)
    case unknownParameter(config: String, operator: String, parameter: String, known: [String])
    case invalidValue(config: String, operator: String, parameter: String, message: String)
    case noValues(config: String, operator: String, parameter: String)
    case nestedConfiguration(config: String, operator: String, parameter: String)
    case unsatisfiable(config: String, operator: String, message: String)
    case noLearner(config: String, task: Task)
    case emptyTemplate
    case unknownTemplateStep(word: String, suggestion: String?)
    case emptyTemplateStep(word: String, config: String, task: Task)
    case templateEnd(word: String, task: Task)
    /// The data has missing values but the median imputer every pipeline then starts with is not available.
    case imputerUnavailable(name: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the operator configuration '\(path)': \(reason)."
        case .malformed(let path, let detail):
            return "operator configuration '\(path)' is not valid: \(detail). Expected a JSON object mapping operator "
                + "names to objects of parameter -> list of values, e.g. {\"LogisticRegression\": {\"C\": [0.1, 1.0]}}."
        case .unknownOperator(let config, let name, let suggestion):
            return "\(config): unknown operator '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; `autopipe search --list-operators` lists the available ones."
        case .duplicateOperator(let config, let name):
            return "\(config): operator '\(name)' is listed twice."
        case .unknownParameter(let config, let op, let parameter, let known):
            return "\(config): \(op) has no parameter '\(parameter)'; its parameters are "
                + (known.isEmpty ? "none" : known.joined(separator: ", ")) + "."
        case .invalidValue(let config, _, _, let message):
            return "\(config): \(message)"
        case .noValues(let config, let op, let parameter):
            return "\(config): \(op).\(parameter) has an empty list of values; give at least one."
        case .nestedConfiguration(let config, let op, let parameter):
            return "\(config): \(op).\(parameter) holds a nested configuration, which autopipe does not support; "
                + "give a list of values."
        case .unsatisfiable(let config, let op, let message):
            return "\(config): no combination of the values given for \(op) is valid: \(message)."
        case .noLearner(let config, let task):
            return "the operator configuration '\(config)' has no \(task == .classification ? "classifier" : "regressor") "
                + "for this \(task.rawValue) target."
        case .emptyTemplate:
            return "--template is empty; give steps such as Selector-Transformer-Classifier."
        case .unknownTemplateStep(let word, let suggestion):
            return "--template: '\(word)' is neither an operator nor one of Selector, Transformer, Preprocessor, "
                + "Classifier, Regressor" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "") + "."
        case .emptyTemplateStep(let word, let config, let task):
            return "--template: the operator configuration '\(config)' has no operator for '\(word)' in a "
                + "\(task.rawValue) search."
        case .imputerUnavailable(let name):
            return "the data has missing values, which every pipeline imputes with \(name), but this build has no "
                + "\(name). Remove or fill the missing values first."
        case .templateEnd(let word, let task):
            return "--template must end in a \(task == .classification ? "classifier" : "regressor") "
                + "(Classifier, Regressor or a learner's name); '\(word)' is not one."
        }
    }
}
