import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// A result document (`best.json`) read and checked: the format version, the JSON, every operator and its
/// parameters against this build's registry. `export` and `predict` start here.
public struct ResultFile: Sendable {
    /// Where it was read from.
    public let path: String
    public let document: ResultDocument
    /// `document.pipeline` validated and completed (every parameter present, canonical types: an integral real
    /// read back from JSON as an int is a real again).
    public let pipeline: PipelineNode
    /// `document.preprocessing`, validated the same way.
    public let preprocessing: [Step]
    /// The `random_state` of each step of `pipeline`, root first: the recorded ones, or (for a document written
    /// before they were recorded) the same values computed from the seed.
    public let randomStates: [Int]

    /// Reads and checks `path`. Every problem is an `ExportError` naming the file.
    public static func load(_ path: String, registry: OperatorRegistry = .standard) throws -> ResultFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ExportError.unreadable(path: path, reason: FileReason.reading(path, failedWith: error))
        }
        return try ResultFile(data: data, path: path, registry: registry)
    }

    public init(data: Data, path: String, registry: OperatorRegistry = .standard) throws {
        self.path = path
        // 1. JSON at all (a truncated or hand-broken file fails here, with the parser's position).
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ExportError.malformedJSON(path: path, reason: ResultFile.parserMessage(error))
        }
        // 2. The format version, before the rest (another version may have another shape).
        guard let top = object as? [String: Any] else {
            throw ExportError.notAResult(path: path, reason: "its top level is not a JSON object")
        }
        guard top["format_version"] != nil else {
            throw ExportError.notAResult(path: path, reason: "it has no \"format_version\"")
        }
        struct VersionProbe: Decodable {
            let formatVersion: Int
            enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
        }
        guard let version = try? JSONDecoder().decode(VersionProbe.self, from: data).formatVersion else {
            throw ExportError.notAResult(path: path, reason: "\"format_version\" is not an integer")
        }
        guard version == ResultDocument.currentFormatVersion else {
            throw ExportError.formatVersion(path: path, found: version, supported: ResultDocument.currentFormatVersion)
        }
        // 3. The document's shape.
        let document: ResultDocument
        do {
            document = try ResultDocument.decode(data)
        } catch let error as DecodingError {
            throw ExportError.notAResult(path: path, reason: ResultFile.describe(error))
        } catch {
            throw ExportError.notAResult(path: path, reason: "\(error)")
        }
        self.document = document
        // 4. Operators and parameters.
        for step in document.pipeline.steps + document.preprocessing where registry.entry(named: step.name) == nil {
            throw ExportError.unknownOperator(path: path, name: step.name,
                                              suggestion: NameSuggestion.closest(to: step.name, in: registry.names))
        }
        guard document.task == document.target.task else {
            throw ExportError.notAResult(path: path, reason: "\"task\" is \(document.task.rawValue) but the target's task is "
                + document.target.task.rawValue)
        }
        if document.task == .classification, (document.target.classes?.count ?? 0) < 2 {
            throw ExportError.notAResult(path: path, reason: "a classification target needs its \"classes\" (two or more)")
        }
        do {
            pipeline = try ResultFile.completed(document.pipeline, task: document.task, registry: registry)
            preprocessing = try document.preprocessing.map { step in
                Step(step.name, try registry.require(step.name).space.validate(step.parameters, operator: step.name))
            }
        } catch let error as OperatorError {
            throw ExportError.invalidPipeline(path: path, reason: error.description)
        }
        let steps = pipeline.steps
        if let recorded = document.randomStates {
            guard recorded.count == steps.count, zip(recorded, steps).allSatisfy({ $0.operator == $1.name }) else {
                throw ExportError.notAResult(path: path, reason: "\"random_states\" does not list the pipeline's steps in order")
            }
            randomStates = recorded.map(\.randomState)
        } else {
            randomStates = ResultFile.randomStates(for: pipeline, searchSeed: document.seed).map(\.randomState)
        }
    }

    /// The pipeline with every step validated and completed, checked to be a pipeline of the document's task;
    /// unlike `canonicalized`, no-op steps are kept (the document shows what was searched).
    static func completed(_ pipeline: PipelineNode, task: Task, registry: OperatorRegistry) throws -> PipelineNode {
        _ = try pipeline.canonicalized(for: task, registry: registry)
        func complete(_ node: PipelineNode) throws -> PipelineNode {
            switch node {
            case .input: return .input
            case .step(let step, let input):
                let parameters = try registry.require(step.name).space.validate(step.parameters, operator: step.name)
                return .step(Step(step.name, parameters), input: try complete(input))
            case .union(let a, let b):
                return .union(try complete(a), try complete(b))
            }
        }
        return try complete(pipeline)
    }

    /// The `random_state` of each step, root first: the low 31 bits of the seed the final refit gives the step
    /// (the search's seed, `EvaluationJob`, combined with the sub-pipeline the step ends, `FittedPipeline.stepSeeds`).
    public static func randomStates(for pipeline: PipelineNode, searchSeed: UInt64) -> [ResultDocument.StepRandomState] {
        let job = EvaluationJob(pipeline: pipeline, searchSeed: searchSeed)
        let seeds = FittedPipeline.stepSeeds(pipeline, seed: job.seed)
        return zip(pipeline.steps, seeds).map { step, seed in
            .init(operator: step.name, randomState: Int(seed & 0x7FFF_FFFF))
        }
    }

    /// The directory the document is in (model paths are relative to it).
    public var directory: URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

    static func parserMessage(_ error: Error) -> String {
        let ns = error as NSError
        if let debug = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        return ns.localizedDescription
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            let where_ = context.codingPath.map(\.stringValue).joined(separator: ".")
            var text = (where_.isEmpty ? "" : "at '\(where_)': ") + context.debugDescription
            if let underlying = context.underlyingError { text += " (\(underlying))" }
            return text
        @unknown default:
            return "\(error)"
        }
    }
}
