import AutopipeData
import AutopipeOperators

/// A summary of one finished generation, for progress lines.
public struct GenerationReport: Sendable {
    public let generation: Int
    public let bestScore: Double
    /// Pipelines evaluated in this generation.
    public let newEvaluations: Int
    /// Pipelines evaluated since the search began.
    public let evaluations: Int
    public let failed: Int
    public let timedOut: Int
    public let front: [Individual]
    /// Wall-clock seconds the generation took.
    public let seconds: Double
}

/// How a generation ended.
public enum GenerationOutcome: Sendable {
    /// Every evaluation finished; these are the new cache entries (in id order).
    case completed([Individual])
    /// The search was cancelled (time limit) while evaluating. The generation is discarded, except for an
    /// interrupted initial population, whose finished evaluations are kept (there is nothing else to keep);
    /// `kept` lists them.
    case interrupted(kept: [Individual], discarded: Int)
}

/// TPOT's evolutionary loop (`eaMuPlusLambda`): offspring by crossover or mutation, evaluation, and NSGA-II
/// survival on (CV score, operator count). Every random decision comes from one generator seeded by the search
/// seed; evaluation results are consumed in job order, so the outcome does not depend on parallelism. The state
/// after each generation (`state`) is all a checkpoint needs to continue identically.
public final class Evolver {
    public let settings: SearchSettings
    public let generator: PipelineGenerator
    public let evaluator: any Evaluator
    public let registry: OperatorRegistry
    /// The search's token: once cancelled, the generation in progress is interrupted.
    public let cancellation: CancellationToken
    public private(set) var state: SearchState
    var costs = CostModel()

    public init(settings: SearchSettings, generator: PipelineGenerator, evaluator: any Evaluator,
                registry: OperatorRegistry = .standard, cancellation: CancellationToken = .none,
                state: SearchState? = nil) {
        self.settings = settings
        self.generator = generator
        self.evaluator = evaluator
        self.registry = registry
        self.cancellation = cancellation
        self.state = state ?? SearchState(rng: SeededGenerator(seed: settings.seed).derived("evolution"))
        for individual in self.state.evaluated { costs.learn(individual.pipeline, individual.result) }
    }

    public var evaluationCount: Int { state.evaluated.count }
    public var failedCount: Int { state.failedCount }
    public var timedOutCount: Int { state.timedOutCount }
    public var population: [Individual] { state.population }
    public var front: [Individual] { state.front }
    public var best: Individual? { state.best }

    /// Evaluates the initial population (generation 0), or breeds, evaluates and selects the next generation.
    /// `onStart` gets the generation's number and how many new pipelines it evaluates.
    public func advance(onStart: (Int, Int) -> Void = { _, _ in },
                        onResult: @escaping @Sendable (EvaluationResult) -> Void = { _ in }) async throws
        -> GenerationOutcome
    {
        var next = state
        next.generation += 1
        let candidates = next.generation == 0 ? initialPopulation(&next.rng) : offspring(&next)
        let jobs = newJobs(candidates, in: next)
        onStart(next.generation, jobs.count)
        let evaluated = try await evaluate(candidates, jobs: jobs, into: &next, onResult: onResult)
        guard let evaluated else { return try interrupted(jobs, into: &next) }
        let individuals = evaluated.individuals, added = evaluated.added
        if next.generation == 0 {
            next.population = individuals
        } else {
            let pool = next.population + individuals
            next.population = NSGA2.select(pool.map(\.point), count: settings.populationSize).map { pool[$0] }
        }
        let previousFront = next.front.map(\.key)
        updateFront(&next, with: individuals)
        if next.generation > 0 {
            next.stagnantGenerations = next.front.map(\.key) == previousFront ? next.stagnantGenerations + 1 : 0
        }
        state = next
        return .completed(added)
    }

    /// Runs the initial population and `settings.generations` generations (no time limit, no checkpoints).
    public func run(onGeneration: (GenerationReport) -> Void = { _ in },
                    onResult: @escaping @Sendable (EvaluationResult) -> Void = { _ in }) async throws {
        let limit = settings.generations ?? 0
        while state.generation < limit {
            let start = ContinuousClock.now
            guard case .completed(let added) = try await advance(onResult: onResult) else { return }
            onGeneration(report(newEvaluations: added.count, seconds: start.secondsElapsed))
        }
    }

    func canonical(_ pipeline: PipelineNode) -> PipelineNode? {
        try? pipeline.canonicalized(for: generator.task, registry: registry)
    }

    /// Random pipelines, distinct while the space allows (TPOT's `genFull` population).
    func initialPopulation(_ rng: inout SeededGenerator) -> [Candidate] {
        var initial: [Candidate] = []
        var seen = Set<PipelineNode>()
        var attempts = 0
        while initial.count < settings.populationSize && attempts < settings.populationSize * 50 {
            attempts += 1
            guard let pipeline = canonical(generator.randomPipeline(&rng)) else { continue }
            if seen.insert(pipeline).inserted || attempts > settings.populationSize * 20 {
                initial.append(Candidate(pipeline: pipeline, parents: [], variation: .initial))
            }
        }
        return initial
    }

    /// Offspring by TPOT's `varOr`: crossover with probability `crossoverRate`, mutation with `mutationRate`,
    /// otherwise a copy; a child that was already evaluated is mutated again (up to a bound).
    func offspring(_ next: inout SearchState) -> [Candidate] {
        var children: [Candidate] = []
        let parents = next.population
        guard !parents.isEmpty else { return [] }
        for _ in 0..<settings.effectiveOffspringSize {
            let r = next.rng.nextDouble()
            var child: PipelineNode
            var from: [Int]
            var variation = Variation.mutation
            if r < settings.crossoverRate, parents.count >= 2 {
                let i = next.rng.nextInt(below: parents.count)
                var j = next.rng.nextInt(below: parents.count - 1)
                if j >= i { j += 1 }
                if let crossed = generator.crossover(parents[i].pipeline, parents[j].pipeline, &next.rng) {
                    child = crossed
                    from = [parents[i].id, parents[j].id]
                    variation = .crossover
                } else {
                    child = generator.mutate(parents[i].pipeline, &next.rng)
                    from = [parents[i].id]
                }
            } else if r < settings.crossoverRate + settings.mutationRate {
                let parent = next.rng.pick(parents)
                child = generator.mutate(parent.pipeline, &next.rng)
                from = [parent.id]
            } else {
                let parent = next.rng.pick(parents)
                child = parent.pipeline
                from = [parent.id]
            }
            var canonicalChild = canonical(child)
            var attempts = 0
            while attempts < 20, canonicalChild.map(next.wasEvaluated) ?? true {
                child = generator.mutate(child, &next.rng)
                canonicalChild = canonical(child)
                variation = .mutation
                attempts += 1
            }
            if let canonicalChild {
                children.append(Candidate(pipeline: canonicalChild, parents: from, variation: variation))
            }
        }
        return children
    }

    /// The jobs for the candidates not evaluated before (each distinct pipeline once, in candidate order).
    func newJobs(_ candidates: [Candidate], in next: SearchState) -> [(job: EvaluationJob, candidate: Candidate)] {
        var jobs: [(EvaluationJob, Candidate)] = []
        var queued = Set<PipelineNode>()
        for candidate in candidates
            where !next.wasEvaluated(candidate.pipeline) && queued.insert(candidate.pipeline).inserted {
            jobs.append((EvaluationJob(pipeline: candidate.pipeline, searchSeed: settings.seed), candidate))
        }
        return jobs
    }

    /// Evaluates what is new among `candidates` and records it in `next`. Returns the candidates' individuals and
    /// the new entries, or nil when the search was cancelled meanwhile (then `next` is unchanged and the
    /// finished results are in `pendingResults`). An evaluator that returns fewer results than jobs is treated
    /// as interrupted too.
    func evaluate(_ candidates: [Candidate], jobs: [(job: EvaluationJob, candidate: Candidate)],
                  into next: inout SearchState, onResult: @escaping @Sendable (EvaluationResult) -> Void) async throws
        -> (individuals: [Individual], added: [Individual])?
    {
        // Longest expected first, so the generation's tail is short; results are matched back by key.
        let order = costs.longestFirst(jobs.map(\.job.pipeline))
        let results = try await evaluator.evaluate(order.map { jobs[$0].job }, onResult: onResult)
        var byKey: [String: EvaluationResult] = [:]
        for result in results { byKey[result.key] = result }
        pendingResults = byKey
        if cancellation.isCancelled || results.contains(where: \.wasCancelled)
            || !jobs.allSatisfy({ byKey[$0.job.key] != nil }) {
            return nil
        }
        var added: [Individual] = []
        for (job, candidate) in jobs {
            guard let result = byKey[job.key] else { continue }
            added.append(next.record(candidate, key: job.key, result: result, generation: next.generation))
            costs.learn(job.pipeline, result)
        }
        let individuals = candidates.compactMap { next.cached($0.pipeline) }
        return (individuals, added)
    }

    /// Results of the last evaluation round, by key (kept for an interrupted initial population).
    private var pendingResults: [String: EvaluationResult] = [:]

    /// An interrupted generation is discarded; an interrupted initial population keeps what finished, since a
    /// time-limited search must still report the best pipeline found.
    func interrupted(_ jobs: [(job: EvaluationJob, candidate: Candidate)], into next: inout SearchState) throws
        -> GenerationOutcome
    {
        let finished = jobs.filter { pendingResults[$0.job.key].map { !$0.wasCancelled } ?? false }
        guard next.generation == 0, state.population.isEmpty else {
            return .interrupted(kept: [], discarded: finished.count)
        }
        var kept: [Individual] = []
        for (job, candidate) in finished {
            guard let result = pendingResults[job.key] else { continue }
            kept.append(next.record(candidate, key: job.key, result: result, generation: 0))
        }
        next.population = kept
        updateFront(&next, with: kept)
        state = next
        return .interrupted(kept: kept, discarded: 0)
    }

    func updateFront(_ next: inout SearchState, with individuals: [Individual]) {
        var byKey: [String: Individual] = [:]
        for i in next.front + individuals where i.result.isOK { byKey[i.key] = i }
        let candidates = byKey.values.sorted { $0.key < $1.key }
        let fronts = NSGA2.fronts(candidates.map(\.point))
        next.front = (fronts.first ?? []).map { candidates[$0] }
            .sorted { ($0.size, -$0.score, $0.key) < ($1.size, -$1.score, $1.key) }
    }

    public func report(newEvaluations: Int, seconds: Double) -> GenerationReport {
        GenerationReport(generation: state.generation, bestScore: best?.score ?? -.infinity,
                         newEvaluations: newEvaluations, evaluations: state.evaluated.count,
                         failed: state.failedCount, timedOut: state.timedOutCount, front: state.front,
                         seconds: seconds)
    }
}
