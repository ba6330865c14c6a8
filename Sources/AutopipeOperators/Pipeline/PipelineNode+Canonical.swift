import AutopipeData
import Foundation

extension PipelineNode {
    /// Validates every step against the registry (known operator, valid parameters) and the structure (root is
    /// a learner of the right task), and returns the canonical form: every parameter present (defaults filled),
    /// inner steps that leave their input unchanged removed (`NoOpSteps`), and a union of a branch with itself
    /// collapsed, so structurally equivalent pipelines compare and hash equal and share one evaluation.
    public func canonicalized(for task: Task, registry: OperatorRegistry = .standard) throws -> PipelineNode {
        guard case .step(let root, _) = self else {
            throw OperatorError.invalidPipeline(reason: "a pipeline must end in a learner, found no operator")
        }
        let entry = try registry.require(root.name)
        let expected: OperatorRole = task == .classification ? .classifier : .regressor
        guard entry.role == expected else {
            throw OperatorError.invalidPipeline(
                reason: "a \(task.rawValue) pipeline must end in a \(expected.rawValue), but \(root.name) is a \(entry.role.rawValue)")
        }
        return try canonicalNode(task: task, registry: registry)
    }

    private func canonicalNode(task: Task, registry: OperatorRegistry) throws -> PipelineNode {
        switch self {
        case .input:
            return .input
        case .step(let step, let input):
            let entry = try registry.require(step.name)
            if entry.role.isLearner {
                let expected: OperatorRole = task == .classification ? .classifier : .regressor
                guard entry.role == expected else {
                    throw OperatorError.invalidPipeline(
                        reason: "\(step.name) is a \(entry.role.rawValue); a \(task.rawValue) pipeline can only stack \(expected.rawValue)s")
                }
            }
            let parameters = try entry.space.validate(step.parameters, operator: step.name)
            let canonicalInput = try input.canonicalNode(task: task, registry: registry)
            let canonicalStep = Step(step.name, parameters)
            // Only inner steps can be no-ops; the root is validated as a learner by `canonicalized`.
            if !entry.role.isLearner, NoOpSteps.isNoOp(canonicalStep) { return canonicalInput }
            return .step(canonicalStep, input: canonicalInput)
        case .union(let a, let b):
            let left = try a.canonicalNode(task: task, registry: registry)
            let right = try b.canonicalNode(task: task, registry: registry)
            // A union of a branch with itself only duplicates columns: it is the branch.
            return left == right ? left : .union(left, right)
        }
    }

    /// Compact JSON with sorted keys: the identity of a canonical pipeline (cache key, seed derivation).
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return description }
        return String(decoding: data, as: UTF8.self)
    }

    /// A stable 64-bit identity of the pipeline (of its canonical JSON).
    public var identity: UInt64 { StableHash.fnv1a(canonicalJSON) }
}
