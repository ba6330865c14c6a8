import AutopipeSearch
import Foundation

/// Why a result document, its model or new data cannot be used. Each case names the file and says how to fix it.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// Not JSON at all, or cut short.
    case malformedJSON(path: String, reason: String)
    /// JSON, but not an autopipe result document.
    case notAResult(path: String, reason: String)
    case formatVersion(path: String, found: Int, supported: Int)
    /// The document names an operator this build of autopipe does not have.
    case unknownOperator(path: String, name: String, suggestion: String?)
    /// The document's pipeline is not valid here (bad parameters, wrong structure).
    case invalidPipeline(path: String, reason: String)
    /// `predict` needs a fitted model and the document has none.
    case notRefitted(path: String)
    case noModelReference(path: String)
    case modelMissing(path: String, model: String)
    case modelMismatch(path: String, model: String, reason: String)
    case malformedModel(model: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// New data that does not fit the pipeline.
    case badData(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)."
        case .malformedJSON(let path, let reason):
            return "'\(path)' is not valid JSON (truncated, or edited by hand?): \(reason). "
                + "Use the best.json that `autopipe search` wrote."
        case .notAResult(let path, let reason):
            return "'\(path)' is not an autopipe result document: \(reason)."
        case .formatVersion(let path, let found, let supported):
            return "'\(path)' has format_version \(found), but this autopipe reads format_version \(supported). "
                + "Use the autopipe version that wrote it, or run the search again with this one."
        case .unknownOperator(let path, let name, let suggestion):
            return "'\(path)' uses the operator '\(name)', which this autopipe does not know"
                + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + ". It was written by another autopipe version or edited by hand."
        case .invalidPipeline(let path, let reason):
            return "the pipeline in '\(path)' is not valid: \(reason)"
        case .notRefitted(let path):
            return "'\(path)' has no fitted model: --max-time ran out before the search could refit its best pipeline "
                + "(\"refitted\": false), so there is nothing to predict with. Run the search again with a longer "
                + "--max-time (or export the pipeline and fit it in Python)."
        case .noModelReference(let path):
            return "'\(path)' does not refer to a fitted model (it was written before autopipe saved models). "
                + "Run the search again to get one."
        case .modelMissing(let path, let model):
            return "the fitted model '\(model)' that '\(path)' refers to is missing. Keep the model file beside the "
                + "result document (search writes both), or run the search again."
        case .modelMismatch(let path, let model, let reason):
            return "the fitted model '\(model)' does not belong to '\(path)': \(reason). It was overwritten by "
                + "another search or modified; run the search again."
        case .malformedModel(let model, let reason):
            return "the fitted model '\(model)' cannot be read: \(reason)."
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)."
        case .badData(let path, let reason):
            return "'\(path)': \(reason)"
        }
    }
}

extension ExportError {
    /// Writes `data` to `path` atomically (`AtomicFile`: temporary file, flush, rename), a failure as
    /// `cannotWrite` with the system's reason.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        do {
            try AtomicFile.write(data, to: path)
        } catch PersistenceError.cannotWrite(_, let reason) {
            throw ExportError.cannotWrite(path: path, reason: reason)
        }
    }
}
