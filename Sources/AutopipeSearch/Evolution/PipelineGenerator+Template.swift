import AutopipeData
import AutopipeOperators

/// Variation that keeps a `--template`'s shape: every pipeline is a chain with one step per slot.
extension PipelineGenerator {
    var learnerRole: OperatorRole { task == .classification ? .classifier : .regressor }

    func slotCandidates(_ slot: PipelineTemplate.Slot) -> [SearchSpace.Entry] {
        PipelineTemplate.candidates(slot, in: space, learnerRole: learnerRole)
    }

    /// One random operator per slot, with random parameters.
    func randomPipeline(_ template: PipelineTemplate, _ rng: inout SeededGenerator) -> PipelineNode {
        var steps: [Step] = []
        for slot in template.slots {
            let candidates = slotCandidates(slot)
            // Parsing the template guaranteed a candidate per slot; an empty slot can only come from a space
            // changed afterwards, and is skipped rather than trapping.
            guard !candidates.isEmpty else { continue }
            steps.append(randomStep(rng.pick(candidates), &rng))
        }
        return .chain(steps)
    }

    /// Replaces one step by another operator of its slot, with fresh parameters.
    func replace(_ pipeline: PipelineNode, template: PipelineTemplate, _ rng: inout SeededGenerator) -> PipelineNode? {
        guard var steps = PipelineTemplate.chainSteps(pipeline), steps.count == template.slots.count else { return nil }
        let options = steps.indices.filter { i in
            slotCandidates(template.slots[i]).contains { $0.name != steps[i].name }
        }
        guard !options.isEmpty else { return nil }
        let i = rng.pick(options)
        let candidates = slotCandidates(template.slots[i]).filter { $0.name != steps[i].name }
        steps[i] = randomStep(rng.pick(candidates), &rng)
        return .chain(steps)
    }

    /// The child is `a` with the step of one slot taken from `b` (a slot where they differ).
    func templateCrossover(_ a: PipelineNode, _ b: PipelineNode, _ rng: inout SeededGenerator) -> PipelineNode? {
        guard var stepsA = PipelineTemplate.chainSteps(a), let stepsB = PipelineTemplate.chainSteps(b),
              stepsA.count == stepsB.count else { return nil }
        let differing = stepsA.indices.filter { stepsA[$0] != stepsB[$0] }
        guard !differing.isEmpty else { return nil }
        let i = rng.pick(differing)
        stepsA[i] = stepsB[i]
        return .chain(stepsA)
    }
}
