import AutopipeData
import AutopipeOperators

/// An evaluated pipeline in the population.
public struct Individual: Sendable, Hashable {
    public let pipeline: PipelineNode
    public let key: String
    public let result: EvaluationResult

    public var score: Double { result.score }
    public var size: Int { pipeline.operatorCount }
    var point: NSGA2.Point { NSGA2.Point(score: score, size: size) }
}

/// A summary of one finished generation, for progress lines.
public struct GenerationReport: Sendable {
    public let generation: Int
    public let bestScore: Double
    public let evaluations: Int
    public let failed: Int
    public let timedOut: Int
    public let front: [Individual]
}

/// TPOT's evolutionary loop (`eaMuPlusLambda`): offspring by crossover or mutation, evaluation, and NSGA-II
/// survival on (CV score, operator count). Every random decision comes from one generator seeded by the search
/// seed; evaluation results are consumed in job order, so the outcome does not depend on parallelism.
public final class Evolver {
    public let settings: SearchSettings
    public let generator: PipelineGenerator
    public let evaluator: any Evaluator
    public private(set) var evaluated: [String: EvaluationResult] = [:]
    public private(set) var population: [Individual] = []
    /// Non-dominated pipelines among everything evaluated (TPOT's Pareto front).
    public private(set) var front: [Individual] = []
    public private(set) var failedCount = 0
    public private(set) var timedOutCount = 0
    private var rng: SeededGenerator

    public init(settings: SearchSettings, generator: PipelineGenerator, evaluator: any Evaluator) {
        self.settings = settings
        self.generator = generator
        self.evaluator = evaluator
        rng = SeededGenerator(seed: settings.seed).derived("evolution")
    }

    public var evaluationCount: Int { evaluated.count }

    /// Runs the initial population and `settings.generations` generations.
    public func run(onGeneration: (GenerationReport) -> Void = { _ in },
                    onResult: @escaping @Sendable (EvaluationResult) -> Void = { _ in }) async throws {
        var initial: [PipelineNode] = []
        var seen = Set<String>()
        var attempts = 0
        while initial.count < settings.populationSize && attempts < settings.populationSize * 50 {
            attempts += 1
            guard let pipeline = canonical(generator.randomPipeline(&rng)) else { continue }
            if seen.insert(pipeline.canonicalJSON).inserted || attempts > settings.populationSize * 20 {
                initial.append(pipeline)
            }
        }
        population = try await evaluate(initial, onResult: onResult)
        onGeneration(report(generation: 0))
        for generation in 1...max(settings.generations, 1) where settings.generations > 0 {
            let offspring = makeOffspring()
            let children = try await evaluate(offspring, onResult: onResult)
            let pool = population + children
            population = NSGA2.select(pool.map(\.point), count: settings.populationSize).map { pool[$0] }
            onGeneration(report(generation: generation))
        }
    }

    /// The best pipeline: the front member with the highest CV score (then fewer operators, then key order).
    public var best: Individual? {
        front.min { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.size != b.size { return a.size < b.size }
            return a.key < b.key
        }
    }

    func canonical(_ pipeline: PipelineNode) -> PipelineNode? {
        try? pipeline.canonicalized(for: generator.task)
    }

    /// Offspring by TPOT's `varOr`: crossover with probability `crossoverRate`, mutation with `mutationRate`,
    /// otherwise a copy; a child that was already evaluated is mutated again (up to a bound).
    func makeOffspring() -> [PipelineNode] {
        var children: [PipelineNode] = []
        let parents = population.map(\.pipeline)
        for _ in 0..<settings.effectiveOffspringSize {
            let r = rng.nextDouble()
            var child: PipelineNode
            if r < settings.crossoverRate, parents.count >= 2 {
                let i = rng.nextInt(below: parents.count)
                var j = rng.nextInt(below: parents.count - 1)
                if j >= i { j += 1 }
                child = generator.crossover(parents[i], parents[j], &rng) ?? generator.mutate(parents[i], &rng)
            } else if r < settings.crossoverRate + settings.mutationRate {
                child = generator.mutate(rng.pick(parents), &rng)
            } else {
                child = rng.pick(parents)
            }
            var attempts = 0
            while attempts < 20, canonical(child).map({ evaluated[$0.canonicalJSON] != nil }) ?? true {
                child = generator.mutate(child, &rng)
                attempts += 1
            }
            if let c = canonical(child) { children.append(c) }
        }
        return children
    }

    /// Evaluates the pipelines not seen before (each distinct pipeline once) and returns individuals in order.
    func evaluate(_ pipelines: [PipelineNode], onResult: @escaping @Sendable (EvaluationResult) -> Void) async throws
        -> [Individual]
    {
        var jobs: [EvaluationJob] = []
        var queued = Set<String>()
        for pipeline in pipelines {
            let job = EvaluationJob(pipeline: pipeline, searchSeed: settings.seed)
            if evaluated[job.key] == nil, queued.insert(job.key).inserted { jobs.append(job) }
        }
        let results = try await evaluator.evaluate(jobs, onResult: onResult)
        for result in results {
            evaluated[result.key] = result
            switch result.status {
            case .ok: break
            case .failed: failedCount += 1
            case .timedOut: timedOutCount += 1
            }
        }
        let individuals = pipelines.compactMap { pipeline -> Individual? in
            let key = pipeline.canonicalJSON
            guard let result = evaluated[key] else { return nil }
            return Individual(pipeline: pipeline, key: key, result: result)
        }
        updateFront(with: individuals)
        return individuals
    }

    func updateFront(with individuals: [Individual]) {
        var byKey: [String: Individual] = [:]
        for i in front + individuals where i.result.isOK { byKey[i.key] = i }
        let candidates = byKey.values.sorted { $0.key < $1.key }
        let fronts = NSGA2.fronts(candidates.map(\.point))
        front = (fronts.first ?? []).map { candidates[$0] }
            .sorted { ($0.size, -$0.score, $0.key) < ($1.size, -$1.score, $1.key) }
    }

    func report(generation: Int) -> GenerationReport {
        GenerationReport(generation: generation, bestScore: best?.score ?? -.infinity, evaluations: evaluated.count,
                         failed: failedCount, timedOut: timedOutCount, front: front)
    }
}
