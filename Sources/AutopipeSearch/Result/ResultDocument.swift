import AutopipeData
import AutopipeOperators
import Foundation

/// `best.json`: the outcome of a search, as a versioned document (snake_case keys). Everything except `timing` is
/// a pure function of the data, the settings and the seed.
public struct ResultDocument: Sendable, Codable {
    public static let currentFormatVersion = 1

    public struct FrontMember: Sendable, Codable, Hashable {
        public var pipeline: PipelineNode
        public var text: String
        public var cvScore: Double
        public var operatorCount: Int

        enum CodingKeys: String, CodingKey {
            case pipeline, text, cvScore = "cv_score", operatorCount = "operator_count"
        }
    }

    public struct DataRecord: Sendable, Codable, Hashable {
        public var path: String
        public var rows: Int
        public var trainRows: Int
        public var testRows: Int
        public var fingerprint: String
        public var droppedRows: Int

        enum CodingKeys: String, CodingKey {
            case path, rows, trainRows = "train_rows", testRows = "test_rows", fingerprint
            case droppedRows = "dropped_rows"
        }
    }

    public struct Statistics: Sendable, Codable, Hashable {
        public var evaluations: Int
        public var failed: Int
        public var timedOut: Int
        public var generations: Int

        enum CodingKeys: String, CodingKey { case evaluations, failed, timedOut = "timed_out", generations }
    }

    public struct Timing: Sendable, Codable, Hashable {
        public var seconds: Double
        public var evaluationsPerSecond: Double
        public var jobs: Int

        public init(seconds: Double, evaluationsPerSecond: Double, jobs: Int) {
            self.seconds = seconds
            self.evaluationsPerSecond = evaluationsPerSecond
            self.jobs = jobs
        }

        enum CodingKeys: String, CodingKey {
            case seconds, evaluationsPerSecond = "evaluations_per_second", jobs
        }
    }

    public var formatVersion: Int
    public var autopipeVersion: String
    public var task: Task
    public var target: TargetInfo
    public var schema: FeatureSchema
    public var metric: Metric
    /// The searched pipeline (what the user sees and exports).
    public var pipeline: PipelineNode
    public var pipelineText: String
    /// Steps autopipe adds under the pipeline when fitting (a median imputer when the training data has missing
    /// values).
    public var preprocessing: [Step]
    public var cvScore: Double
    public var cvFoldScores: [Double]
    /// Score on the held-out split (nil when `--test-size 0`).
    public var holdoutScore: Double?
    public var seed: UInt64
    public var settings: SearchSettings
    public var paretoFront: [FrontMember]
    public var data: DataRecord
    public var statistics: Statistics
    public var timing: Timing

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", autopipeVersion = "autopipe_version", task, target, schema, metric
        case pipeline, pipelineText = "pipeline_text", preprocessing, cvScore = "cv_score"
        case cvFoldScores = "cv_fold_scores", holdoutScore = "holdout_score", seed, settings
        case paretoFront = "pareto_front", data, statistics, timing
    }

    /// The pipeline as fitted (with `preprocessing` under it).
    public var executablePipeline: PipelineNode {
        preprocessing.isEmpty ? pipeline : PipelineProblemSupport.withImputer(pipeline)
    }

    /// Pretty, sorted-key JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    public static func decode(_ data: Data) throws -> ResultDocument {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(ResultDocument.self, from: data)
    }
}

public enum AutopipeVersion {
    public static let current = "0.1.0"
}
