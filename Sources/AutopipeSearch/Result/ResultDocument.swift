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

    /// Why the search stopped.
    public enum StopReason: String, Sendable, Codable, Hashable {
        /// `--generations` completed.
        case generations
        /// `--early-stop` generations without a change of the Pareto front.
        case earlyStop = "early_stop"
        /// `--max-time` ran out.
        case timeLimit = "time_limit"
        /// Stopped from outside (Ctrl-C); the completed generations are kept.
        case interrupted
    }

    public struct Statistics: Sendable, Codable, Hashable {
        public var evaluations: Int
        public var failed: Int
        public var timedOut: Int
        /// Generations completed after the initial population.
        public var generations: Int
        public var stopReason: StopReason
        /// Evaluations of a generation cut short by `--max-time` (not part of the result).
        public var discardedEvaluations: Int

        enum CodingKeys: String, CodingKey {
            case evaluations, failed, timedOut = "timed_out", generations, stopReason = "stop_reason"
            case discardedEvaluations = "discarded_evaluations"
        }
    }

    /// How long things took: the only part of the document that varies between identical runs.
    public struct Timing: Sendable, Codable, Hashable {
        /// The whole run, from the command's start to the result (final refit included).
        public var seconds: Double
        /// Evaluations made by this run per second of its search phase.
        public var evaluationsPerSecond: Double
        public var jobs: Int
        public var searchSeconds: Double
        public var refitSeconds: Double
        /// Process CPU time during the search phase.
        public var cpuSeconds: Double
        /// `cpu_seconds / (search_seconds x jobs)`: how busy the `--jobs` threads were during the search.
        public var cpuUtilisation: Double
        /// The fraction of the search's wall time (x jobs) the local evaluation threads spent running evaluations
        /// rather than waiting for work: unlike `cpu_utilisation` it does not drop when other processes compete
        /// for the cores. Nil for other evaluators.
        public var workerBusyFraction: Double?
        /// Fold fits of sub-pipelines this process did not repeat because an earlier evaluation had made them
        /// (`FitMemo`; it depends on which evaluations ran side by side). Nil for other evaluators.
        public var reusedFits: Int?

        public init(seconds: Double, evaluationsPerSecond: Double, jobs: Int, searchSeconds: Double = 0,
                    refitSeconds: Double = 0, cpuSeconds: Double = 0, cpuUtilisation: Double = 0,
                    workerBusyFraction: Double? = nil, reusedFits: Int? = nil) {
            self.seconds = seconds
            self.evaluationsPerSecond = evaluationsPerSecond
            self.jobs = jobs
            self.searchSeconds = searchSeconds
            self.refitSeconds = refitSeconds
            self.cpuSeconds = cpuSeconds
            self.cpuUtilisation = cpuUtilisation
            self.workerBusyFraction = workerBusyFraction
            self.reusedFits = reusedFits
        }

        enum CodingKeys: String, CodingKey {
            case seconds, evaluationsPerSecond = "evaluations_per_second", jobs, searchSeconds = "search_seconds"
            case refitSeconds = "refit_seconds", cpuSeconds = "cpu_seconds", cpuUtilisation = "cpu_utilisation"
            case workerBusyFraction = "worker_busy_fraction", reusedFits = "reused_fits"
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
    /// Score on the held-out split (nil when `--test-size 0`, or when `--max-time` left no time to refit).
    public var holdoutScore: Double?
    /// Whether `pipeline` was refitted on the whole training split (false only when `--max-time` ran out first).
    public var refitted: Bool
    public var seed: UInt64
    public var settings: SearchSettings
    public var paretoFront: [FrontMember]
    public var data: DataRecord
    public var statistics: Statistics
    public var timing: Timing
    /// The `random_state` of each step of `pipeline`, root first (the order of `pipeline.steps`): the low 31 bits of
    /// the seed the step was fitted with, given to the matching scikit-learn estimator by `autopipe export`.
    /// (autopipe's operators draw from their own generator, so the same integer does not give scikit-learn the same
    /// random draws; it makes the exported script reproducible.) Nil in documents written before it was recorded.
    public var randomStates: [StepRandomState]? = nil
    /// The fitted pipeline saved beside this document for `autopipe predict` (nil when the search could not refit:
    /// `refitted` false).
    public var model: ModelReference? = nil

    /// One step's `random_state`.
    public struct StepRandomState: Sendable, Codable, Hashable {
        public var `operator`: String
        public var randomState: Int

        public init(operator name: String, randomState: Int) {
            self.operator = name
            self.randomState = randomState
        }

        enum CodingKeys: String, CodingKey { case `operator`, randomState = "random_state" }
    }

    /// Where the fitted model is and how to know it is the right one.
    public struct ModelReference: Sendable, Codable, Hashable {
        /// The model file, relative to the directory of the result document (or absolute).
        public var path: String
        /// SHA-256 of the model file's bytes (lowercase hex).
        public var sha256: String
        public var bytes: Int
        /// The model file's format (`autopipe-model`) and version.
        public var format: String
        public var formatVersion: Int

        public init(path: String, sha256: String, bytes: Int, format: String, formatVersion: Int) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.format = format
            self.formatVersion = formatVersion
        }

        enum CodingKeys: String, CodingKey {
            case path, sha256, bytes, format, formatVersion = "format_version"
        }
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", autopipeVersion = "autopipe_version", task, target, schema, metric
        case pipeline, pipelineText = "pipeline_text", preprocessing, cvScore = "cv_score"
        case cvFoldScores = "cv_fold_scores", holdoutScore = "holdout_score", refitted, seed, settings
        case paretoFront = "pareto_front", data, statistics, timing, randomStates = "random_states", model
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
