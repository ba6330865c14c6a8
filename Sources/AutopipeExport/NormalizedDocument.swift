import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// `autopipe export --format json`: the result in a normalised, self-contained form for other tools, described
/// by the JSON Schema `schemas/autopipe-result.schema.json`.
///
/// Normalised means: every step has all its parameters (defaults filled in, reals as reals), its role, whether it
/// is a stacked learner, its `random_state` and the Python class the exported script uses; search bookkeeping
/// (timings, statistics, the Pareto front, settings other than those that define the folds) is left out, and keys
/// are sorted, so the same result always gives the same bytes.
public struct NormalizedDocument: Codable, Sendable, Equatable {
    public static let format = "autopipe-pipeline"
    public static let currentFormatVersion = 1

    public struct Target: Codable, Sendable, Equatable {
        public var name: String
        public var classes: [String]?
    }

    public struct Scores: Codable, Sendable, Equatable {
        public var metric: String
        public var cv: Double
        public var cvFolds: [Double]
        public var holdout: Double?
        public var holdoutRows: Int

        enum CodingKeys: String, CodingKey {
            case metric, cv, cvFolds = "cv_folds", holdout, holdoutRows = "holdout_rows"
        }
    }

    public struct Validation: Codable, Sendable, Equatable {
        public var seed: UInt64
        public var cvFolds: Int
        public var testSize: Double
        public var subsample: Double

        enum CodingKeys: String, CodingKey {
            case seed, cvFolds = "cv_folds", testSize = "test_size", subsample
        }
    }

    /// One step: an operator with everything needed to rebuild it.
    public struct StepRecord: Codable, Sendable, Equatable {
        public var `operator`: String
        public var role: String
        /// A learner inside the pipeline whose outputs are added as features (the stacking step).
        public var stacked: Bool
        public var parameters: Parameters
        /// The type of each parameter's value: "int", "float", "str", "bool" or "none" (JSON writes the float 1.0
        /// as 1, which for some parameters, such as max_features, would mean something else as an int).
        public var parameterTypes: [String: String]
        public var randomState: Int?
        /// The class the exported script builds: `sklearn.module.Class`, or a class defined in the script.
        public var pythonClass: String
        public var pythonOrigin: String

        enum CodingKeys: String, CodingKey {
            case `operator`, role, stacked, parameters, parameterTypes = "parameter_types"
            case randomState = "random_state", pythonClass = "python_class"
            case pythonOrigin = "python_origin"
        }
    }

    /// A pipeline node: a step with its input, a union of two branches, or the data (`"input"`).
    public indirect enum Node: Codable, Sendable, Equatable {
        case input
        case step(StepRecord, input: Node)
        case union(Node, Node)

        enum CodingKeys: String, CodingKey { case step, input, union }

        public init(from decoder: Decoder) throws {
            if let single = try? decoder.singleValueContainer(), (try? single.decode(String.self)) == "input" {
                self = .input
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.union) {
                let branches = try container.decode([Node].self, forKey: .union)
                guard branches.count == 2 else {
                    throw DecodingError.dataCorruptedError(forKey: .union, in: container,
                                                           debugDescription: "a union has two branches")
                }
                self = .union(branches[0], branches[1])
            } else {
                self = .step(try container.decode(StepRecord.self, forKey: .step),
                             input: try container.decode(Node.self, forKey: .input))
            }
        }

        public func encode(to encoder: Encoder) throws {
            switch self {
            case .input:
                var single = encoder.singleValueContainer()
                try single.encode("input")
            case .step(let record, let input):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(record, forKey: .step)
                try container.encode(input, forKey: .input)
            case .union(let a, let b):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode([a, b], forKey: .union)
            }
        }
    }

    public var format: String
    public var formatVersion: Int
    public var autopipeVersion: String
    public var task: Task
    public var target: Target
    public var columns: [FeatureSchema.Column]
    public var ignoredColumns: [String]
    public var scores: Scores
    public var validation: Validation
    public var refitted: Bool
    /// Steps autopipe puts under the pipeline (the median imputer when the data has missing values).
    public var preprocessing: [StepRecord]
    public var pipeline: Node
    public var pipelineText: String

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", autopipeVersion = "autopipe_version", task, target, columns
        case ignoredColumns = "ignored_columns", scores, validation, refitted, preprocessing, pipeline
        case pipelineText = "pipeline_text"
    }

    public init(_ result: ResultFile, registry: OperatorRegistry = .standard) throws {
        let d = result.document
        format = NormalizedDocument.format
        formatVersion = NormalizedDocument.currentFormatVersion
        autopipeVersion = d.autopipeVersion
        task = d.task
        target = Target(name: d.target.name, classes: d.target.classes)
        columns = d.schema.columns
        ignoredColumns = d.schema.ignored.filter { $0 != d.target.name }
        scores = Scores(metric: d.metric.rawValue, cv: d.cvScore, cvFolds: d.cvFoldScores, holdout: d.holdoutScore,
                        holdoutRows: d.holdoutScore == nil ? 0 : d.data.testRows)
        validation = Validation(seed: d.settings.seed, cvFolds: d.settings.cvFolds, testSize: d.settings.testSize,
                                subsample: d.settings.subsample)
        refitted = d.refitted
        preprocessing = try result.preprocessing.map {
            try NormalizedDocument.record($0, stacked: false, randomState: nil, registry: registry)
        }
        var states = result.randomStates[...]
        func node(_ n: PipelineNode, root: Bool) throws -> Node {
            switch n {
            case .input: return .input
            case .step(let step, let input):
                let state = states.popFirst()
                let isLearner = try registry.require(step.name).role.isLearner
                let record = try NormalizedDocument.record(step, stacked: isLearner && !root, randomState: state,
                                                           registry: registry)
                return .step(record, input: try node(input, root: false))
            case .union(let a, let b):
                return .union(try node(a, root: false), try node(b, root: false))
            }
        }
        pipeline = try node(result.pipeline, root: true)
        pipelineText = d.pipelineText
    }

    static func record(_ step: Step, stacked: Bool, randomState: Int?, registry: OperatorRegistry) throws -> StepRecord {
        let entry = try registry.require(step.name)
        let mapping = SklearnMapping.mapping(for: step.name)
        var pythonClass = step.name, origin = "script"
        switch mapping?.origin {
        case .sklearn(let module): pythonClass = "\(module).\(mapping?.className ?? step.name)"; origin = "sklearn"
        case .script: pythonClass = mapping?.className ?? step.name
        case nil: break
        }
        var types: [String: String] = [:]
        for (name, value) in step.parameters {
            switch value {
            case .int: types[name] = "int"
            case .double: types[name] = "float"
            case .string: types[name] = "str"
            case .bool: types[name] = "bool"
            case .none: types[name] = "none"
            }
        }
        return StepRecord(operator: step.name, role: entry.role.rawValue, stacked: stacked, parameters: step.parameters,
                          parameterTypes: types, randomState: randomState, pythonClass: pythonClass,
                          pythonOrigin: origin)
    }

    /// Pretty JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
