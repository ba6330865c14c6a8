import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Testing

@Suite("Genetic programming operators")
struct GeneratorTests {
    let generator = PipelineGenerator(space: .standard(), task: .classification)

    @Test func randomPipelinesAreValidAndSmall() throws {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<200 {
            let pipeline = generator.randomPipeline(&rng)
            #expect((1...3).contains(pipeline.operatorCount))
            let canonical = try pipeline.canonicalized(for: .classification)
            #expect(canonical.operatorCount == pipeline.operatorCount)
        }
    }

    @Test func mutationsAndCrossoverKeepAValidLearnerRoot() throws {
        var rng = SeededGenerator(seed: 2)
        var population = (0..<20).map { _ in generator.randomPipeline(&rng) }
        for _ in 0..<300 {
            let a = rng.pick(population), b = rng.pick(population)
            let child = rng.nextDouble() < 0.5 ? (generator.crossover(a, b, &rng) ?? a) : generator.mutate(a, &rng)
            let canonical = try child.canonicalized(for: .classification)
            #expect(canonical.operatorCount >= 1)
            population[rng.nextInt(below: population.count)] = child
        }
    }

    @Test func eachMutationKindChangesThePipeline() {
        var rng = SeededGenerator(seed: 3)
        let pipeline = PipelineNode.chain([Step("StandardScaler"), Step("GaussianNB")])
        for kind in PipelineGenerator.MutationKind.allCases where kind != .hyperparameter {
            let mutated = generator.mutate(pipeline, kind: kind, &rng)
            #expect(mutated != nil && mutated != pipeline, "\(kind) changed nothing")
        }
    }

    @Test func sameSeedSameVariation() {
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let a = (0..<20).map { _ in generator.mutate(generator.randomPipeline(&r1), &r1) }
        let b = (0..<20).map { _ in generator.mutate(generator.randomPipeline(&r2), &r2) }
        #expect(a == b)
    }
}
