import AutopipeData
import AutopipeOperators

/// A fixed pipeline shape (TPOT's `template`): a chain of steps from the data to the learner, each a role
/// (`Selector`, `Transformer`, `Preprocessor` = either, `Classifier`, `Regressor`) or an operator's name, written
/// `Selector-Transformer-Classifier`. A learner before the last step is stacked (TPOT's StackingEstimator).
///
/// With a template the search only builds pipelines of that shape: random pipelines fill every slot, mutation
/// replaces a step by another operator of its slot or re-draws a parameter, and crossover exchanges the steps of
/// one slot between two parents.
public struct PipelineTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Slot: Sendable, Hashable {
        case role(OperatorRole)
        /// Either a transformer or a selector.
        case preprocessor
        case named(String)
    }

    /// Slots from the first step applied to the data to the final learner.
    public let slots: [Slot]
    public let text: String

    public static let roleWords: [String: Slot] = [
        "Selector": .role(.selector), "Transformer": .role(.transformer), "Preprocessor": .preprocessor,
        "Classifier": .role(.classifier), "Regressor": .role(.regressor),
    ]

    /// Parses `text` against `space` (already restricted to `task`): every slot must have an operator in the
    /// space and the last must be a learner of the task.
    public init(_ text: String, space: SearchSpace, task: Task) throws {
        let words = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: " ") }
        guard !words.isEmpty, !words.contains(where: \.isEmpty) else { throw SearchConfigError.emptyTemplate }
        let learnerRole: OperatorRole = task == .classification ? .classifier : .regressor
        var slots: [Slot] = []
        for word in words {
            let slot: Slot
            if let roleSlot = Self.roleWords[word] {
                slot = roleSlot
            } else if space.entry(named: word) != nil || OperatorRegistry.standard.entry(named: word) != nil {
                slot = .named(word)
            } else {
                throw SearchConfigError.unknownTemplateStep(
                    word: word, suggestion: NameSuggestion.closest(to: word, in: Array(Self.roleWords.keys) + space.entries.map(\.name)))
            }
            slots.append(slot)
            if Self.candidates(slot, in: space, learnerRole: learnerRole).isEmpty {
                throw SearchConfigError.emptyTemplateStep(word: word, config: space.name, task: task)
            }
        }
        let last = slots[slots.count - 1]
        if !Self.candidates(last, in: space, learnerRole: learnerRole).allSatisfy({ $0.role == learnerRole }) {
            throw SearchConfigError.templateEnd(word: words[words.count - 1], task: task)
        }
        self.slots = slots
        self.text = words.joined(separator: "-")
    }

    public var description: String { text }

    /// The space's operators that can fill `slot`.
    static func candidates(_ slot: Slot, in space: SearchSpace, learnerRole: OperatorRole) -> [SearchSpace.Entry] {
        switch slot {
        case .role(let role):
            // A learner slot only takes learners of the search's task.
            if role.isLearner && role != learnerRole { return [] }
            return space.entries(role: role)
        case .preprocessor:
            return space.preprocessors
        case .named(let name):
            return space.entries.filter { $0.name == name }
        }
    }

    /// The steps of a chain pipeline from the data to the root, or nil when it is not a chain.
    static func chainSteps(_ pipeline: PipelineNode) -> [Step]? {
        var steps: [Step] = []
        var node = pipeline
        while true {
            switch node {
            case .input: return steps.reversed()
            case .union: return nil
            case .step(let step, let input):
                steps.append(step)
                node = input
            }
        }
    }

    /// Whether `pipeline` has this template's shape.
    public func matches(_ pipeline: PipelineNode, space: SearchSpace, task: Task) -> Bool {
        guard let steps = Self.chainSteps(pipeline), steps.count == slots.count else { return false }
        let learnerRole: OperatorRole = task == .classification ? .classifier : .regressor
        return zip(steps, slots).allSatisfy { step, slot in
            Self.candidates(slot, in: space, learnerRole: learnerRole).contains { $0.name == step.name }
        }
    }
}
