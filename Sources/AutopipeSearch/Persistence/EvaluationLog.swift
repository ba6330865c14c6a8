import AutopipeData
import AutopipeOperators
import Foundation

/// One line of `--evaluations`: an evaluated pipeline, as JSON with sorted keys.
public struct EvaluationLine: Sendable, Codable, Hashable {
    public struct Reason: Sendable, Codable, Hashable {
        public var code: String
        public var message: String
    }

    public var id: Int
    public var generation: Int
    /// Ids of the pipelines it was bred from (none for the initial population).
    public var parents: [Int]
    public var variation: Variation
    public var pipeline: String
    public var pipelineJSON: PipelineNode
    public var operatorCount: Int
    public var foldScores: [Double]
    /// Mean CV score; null unless `status` is `ok`.
    public var score: Double?
    /// Wall-clock seconds of the evaluation (first fold's start to last fold's end). Folds run side by side, and
    /// beside other evaluations' folds, so this is not what the pipeline cost.
    public var seconds: Double
    /// What the pipeline cost: the seconds its folds took to fit and score, added up (sub-pipelines reused from
    /// other evaluations cost nothing here). The wall time when the evaluator did not time the folds.
    public var fitSeconds: Double
    /// `ok`, `failed` or `timed_out`.
    public var status: String
    /// Why it failed or timed out (null when `ok`).
    public var reason: Reason?

    enum CodingKeys: String, CodingKey {
        case id, generation, parents, variation, pipeline, pipelineJSON = "pipeline_json"
        case operatorCount = "operator_count", foldScores = "fold_scores", score, seconds
        case fitSeconds = "fit_seconds", status, reason
    }

    public init(_ individual: Individual) {
        id = individual.id
        generation = individual.generation
        parents = individual.parents
        variation = individual.variation
        pipeline = individual.pipeline.description
        pipelineJSON = individual.pipeline
        operatorCount = individual.size
        foldScores = individual.result.foldScores
        score = individual.result.isOK ? individual.score : nil
        seconds = individual.result.seconds
        fitSeconds = individual.result.computeSeconds
        status = individual.result.status.label
        switch individual.result.status {
        case .ok: reason = nil
        case .failed(let error): reason = Reason(code: error.code, message: error.description)
        case .timedOut(let limit):
            reason = Reason(code: "timed_out", message: "stopped at the --max-eval-time limit of \(limit) s")
        }
    }
}

/// Writes `--evaluations`: one JSON line per evaluated pipeline, a generation at a time, in evaluation id order
/// (so apart from `seconds` and `fit_seconds` the file is the same whatever `--jobs`). A resumed search rewrites
/// the lines of the checkpoint's evaluations first, so the file ends up as an uninterrupted run's.
public final class EvaluationLog {
    public let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    public init(path: String, existing: [Individual] = []) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw PersistenceError.cannotWrite(path: path, reason: "cannot create the file")
        }
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try append(existing)
    }

    deinit { try? handle.close() }

    public func append(_ individuals: [Individual]) throws {
        guard !individuals.isEmpty else { return }
        var data = Data()
        for individual in individuals {
            data.append(try encoder.encode(EvaluationLine(individual)))
            data.append(0x0A)
        }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw PersistenceError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}
