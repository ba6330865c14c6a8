import AutopipeData
import Foundation

/// One operator in a pipeline: its scikit-learn name and its hyperparameters.
public struct Step: Sendable, Hashable, Codable {
    public var name: String
    public var parameters: Parameters

    public init(_ name: String, _ parameters: Parameters = [:]) {
        self.name = name
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey { case name = "operator", parameters }
}

/// A pipeline as data: a tree whose root is a learner and whose inner nodes are preprocessors, selectors, learners
/// used as stacked features (scikit-learn has no class for this; TPOT's `StackingEstimator`), or unions of two
/// branches (TPOT's `CombineDFs`, `make_union`). Search, cache, wire, checkpoints and export all share it.
///
/// JSON: `{"operator": "LogisticRegression", "parameters": {...}, "input": <node>}`, where `input` is omitted
/// when the step reads the data, `{"union": [<node>, <node>]}` for a union, and the string `"input"` for the data
/// itself where it must be spelled out (a union branch).
public indirect enum PipelineNode: Sendable, Hashable {
    /// The input feature matrix.
    case input
    /// `step` applied to the output of `input`.
    case step(Step, input: PipelineNode)
    /// The columns of both branches side by side.
    case union(PipelineNode, PipelineNode)

    public static func chain(_ steps: [Step]) -> PipelineNode {
        steps.reduce(PipelineNode.input) { .step($1, input: $0) }
    }

    /// Number of operators (steps); unions are not counted, as in TPOT.
    public var operatorCount: Int {
        switch self {
        case .input: return 0
        case .step(_, let input): return 1 + input.operatorCount
        case .union(let a, let b): return a.operatorCount + b.operatorCount
        }
    }

    /// The root step (the learner, in a valid pipeline).
    public var rootStep: Step? {
        if case .step(let s, _) = self { return s }
        return nil
    }

    /// All steps, root first (pre-order).
    public var steps: [Step] {
        switch self {
        case .input: return []
        case .step(let s, let input): return [s] + input.steps
        case .union(let a, let b): return a.steps + b.steps
        }
    }

    public var depth: Int {
        switch self {
        case .input: return 0
        case .step(_, let input): return 1 + input.depth
        case .union(let a, let b): return 1 + max(a.depth, b.depth)
        }
    }
}

extension PipelineNode: Codable {
    enum CodingKeys: String, CodingKey { case `operator`, parameters, input, union }

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "input" else {
                throw DecodingError.dataCorruptedError(in: single,
                    debugDescription: "a pipeline node is an object or the string \"input\", found \"\(text)\"")
            }
            self = .input
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.union) {
            let branches = try container.decode([PipelineNode].self, forKey: .union)
            guard branches.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .union, in: container,
                    debugDescription: "a union has exactly two branches, found \(branches.count)")
            }
            self = .union(branches[0], branches[1])
            return
        }
        let name = try container.decode(String.self, forKey: .operator)
        let parameters = try container.decodeIfPresent(Parameters.self, forKey: .parameters) ?? Parameters()
        let input = try container.decodeIfPresent(PipelineNode.self, forKey: .input) ?? .input
        self = .step(Step(name, parameters), input: input)
    }

    public func encode(to encoder: Encoder) throws {
        if case .input = self {
            var single = encoder.singleValueContainer()
            try single.encode("input")
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .input:
            break
        case .step(let step, let input):
            try container.encode(step.name, forKey: .operator)
            try container.encode(step.parameters, forKey: .parameters)
            if input != .input { try container.encode(input, forKey: .input) }
        case .union(let a, let b):
            try container.encode([a, b], forKey: .union)
        }
    }
}

extension PipelineNode: CustomStringConvertible {
    /// TPOT-like expression showing the parameters that differ from the operator's defaults:
    /// `LogisticRegression(StandardScaler(input), C=10.0)`. The JSON form always carries every parameter.
    public var description: String {
        switch self {
        case .input: return "input"
        case .step(let step, let input):
            let defaults = OperatorRegistry.standard.entry(named: step.name)?.space.defaults
            let params = step.parameters.filter { defaults?[$0.key] != $0.value }
                .map { "\($0.key)=\($0.value.pythonLiteral)" }
            return "\(step.name)(" + ([input.description] + params).joined(separator: ", ") + ")"
        case .union(let a, let b):
            return "union(\(a), \(b))"
        }
    }
}
