import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// The fitted pipeline of a search, saved beside its result document for `autopipe predict`.
///
/// Why beside and not inside best.json: a fitted model can be large (a forest holds every node of every tree, kNN
/// its training rows), while best.json is the small readable summary people open, diff and export; the two are
/// tied by the model's SHA-256 in best.json's `"model"`, so a missing, replaced or modified model file is a clear
/// error rather than wrong predictions.
///
/// The file (`best.model.json` beside `best.json`) is JSON with sorted keys, so the same search writes the same
/// bytes: `{"format": "autopipe-model", "format_version": 1, "autopipe_version": ..., "task": ...,
/// "pipeline": <the pipeline as fitted, preprocessing included>, "model": <FittedPipeline>}`.
public struct ModelFile: Sendable, Codable {
    public static let format = "autopipe-model"
    public static let currentFormatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var autopipeVersion: String
    public var task: Task
    /// The pipeline as fitted (`ResultDocument.executablePipeline`).
    public var pipeline: PipelineNode
    public var model: FittedPipeline

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", autopipeVersion = "autopipe_version", task, pipeline, model
    }

    public init(pipeline: PipelineNode, model: FittedPipeline) {
        format = ModelFile.format
        formatVersion = ModelFile.currentFormatVersion
        autopipeVersion = AutopipeVersion.current
        task = model.task
        self.pipeline = pipeline
        self.model = model
    }

    /// The model file's path for a result document's path: `best.json` -> `best.model.json`.
    public static func path(forResult resultPath: String) -> String {
        let url = URL(fileURLWithPath: resultPath)
        let stem = url.pathExtension.lowercased() == "json" ? url.deletingPathExtension().lastPathComponent
            : url.lastPathComponent
        let name = stem + ".model.json"
        let directory = (resultPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Writes the model (atomically) and returns the reference to put in the result document.
    static func write(_ file: ModelFile, to path: String) throws -> ResultDocument.ModelReference {
        let data: Data
        do {
            data = try file.encoded()
        } catch {
            throw ExportError.cannotWrite(path: path, reason: "the fitted model cannot be encoded (\(error))")
        }
        try ExportError.writeAtomically(data, to: path)
        return ResultDocument.ModelReference(path: (path as NSString).lastPathComponent, sha256: SHA256.hex(data),
                                             bytes: data.count, format: format, formatVersion: currentFormatVersion)
    }

    /// The fitted model of a checked result document: found from its `"model"` reference, checked against the
    /// digest and the document's pipeline.
    public static func load(for result: ResultFile) throws -> ModelFile {
        let document = result.document
        guard let reference = document.model else {
            if !document.refitted { throw ExportError.notRefitted(path: result.path) }
            throw ExportError.noModelReference(path: result.path)
        }
        let modelPath = reference.path.hasPrefix("/") ? reference.path
            : result.directory.appendingPathComponent(reference.path).path
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw ExportError.modelMissing(path: result.path, model: modelPath)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: modelPath))
        } catch {
            let reason = FileReason.reading(modelPath, failedWith: error)
            throw ExportError.unreadable(path: modelPath, reason: reason)
        }
        let digest = SHA256.hex(data)
        guard digest == reference.sha256 else {
            throw ExportError.modelMismatch(path: result.path, model: modelPath,
                                            reason: "its SHA-256 is \(digest.prefix(12))..., the document expects "
                                                + "\(reference.sha256.prefix(12))...")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let file: ModelFile
        do {
            file = try decoder.decode(ModelFile.self, from: data)
        } catch let error as DecodingError {
            throw ExportError.malformedModel(model: modelPath, reason: ResultFile.describe(error))
        } catch let error as OperatorError {
            throw ExportError.malformedModel(model: modelPath, reason: error.description)
        } catch {
            throw ExportError.malformedModel(model: modelPath, reason: "\(error)")
        }
        guard file.format == format, file.formatVersion == currentFormatVersion else {
            throw ExportError.malformedModel(model: modelPath, reason: "it is format \(file.format) version "
                + "\(file.formatVersion); this autopipe reads \(format) version \(currentFormatVersion)")
        }
        guard file.pipeline == document.executablePipeline, file.task == document.task else {
            throw ExportError.modelMismatch(path: result.path, model: modelPath,
                                            reason: "it holds the pipeline \(file.pipeline), not the document's")
        }
        return file
    }
}

/// Writes what a search produced: the fitted model beside the result document, then the document (with the
/// model's reference and the steps' random states). `autopipe search` calls this.
public enum SearchResultWriter {
    /// Writes `outcome` to `path` (and the model to `ModelFile.path(forResult: path)` when the search refitted
    /// one) and returns the document as written.
    @discardableResult
    public static func write(_ outcome: SearchOutcome, to path: String) throws -> ResultDocument {
        var document = outcome.document
        document.randomStates = ResultFile.randomStates(for: document.pipeline, searchSeed: document.seed)
        if let model = outcome.model {
            document.model = try ModelFile.write(ModelFile(pipeline: document.executablePipeline, model: model),
                                                 to: ModelFile.path(forResult: path))
        }
        let data: Data
        do {
            data = try document.encoded()
        } catch {
            throw ExportError.cannotWrite(path: path, reason: "\(error)")
        }
        try ExportError.writeAtomically(data, to: path)
        return document
    }
}
