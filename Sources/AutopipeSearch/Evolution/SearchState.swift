import AutopipeData
import AutopipeOperators

/// How a pipeline came to be evaluated.
public enum Variation: String, Sendable, Codable, Hashable {
    /// A random pipeline of the initial population.
    case initial
    case mutation
    case crossover
}

/// An evaluated pipeline: the search's cache entry for one canonical pipeline (every individual of the population
/// with that pipeline shares it). `id` numbers evaluations in the order the search made them (deterministic).
public struct Individual: Sendable, Hashable, Codable {
    public let id: Int
    public let pipeline: PipelineNode
    public let key: String
    /// The generation that evaluated it (0: the initial population).
    public let generation: Int
    /// The ids of the parents it was bred from (none for the initial population).
    public let parents: [Int]
    public let variation: Variation
    public let result: EvaluationResult

    public var score: Double { result.score }
    public var size: Int { pipeline.operatorCount }
    var point: NSGA2.Point { NSGA2.Point(score: score, size: size) }

    enum CodingKeys: String, CodingKey { case id, pipeline, key, generation, parents, variation, result }
}

/// Everything the evolution needs to continue from the end of a generation: what a checkpoint saves.
public struct SearchState: Sendable {
    /// The last completed generation (0: the initial population); -1 before the initial population.
    public internal(set) var generation = -1
    var rng: SeededGenerator
    public internal(set) var population: [Individual] = []
    /// Non-dominated pipelines among everything evaluated (TPOT's Pareto front).
    public internal(set) var front: [Individual] = []
    /// Every evaluation, by id.
    public internal(set) var evaluated: [Individual] = []
    /// Evaluation ids by canonical pipeline (a pipeline's key is its canonical JSON, so canonical pipelines are
    /// equal exactly when their keys are; hashing the value is far cheaper than encoding the key, and breeding
    /// looks up many candidates that are never evaluated).
    var idByPipeline: [PipelineNode: Int] = [:]
    public internal(set) var failedCount = 0
    public internal(set) var timedOutCount = 0
    /// Consecutive generations without a change of the Pareto front (for `--early-stop`).
    public internal(set) var stagnantGenerations = 0

    init(rng: SeededGenerator) {
        self.rng = rng
    }

    /// Whether a canonical pipeline was evaluated already.
    func wasEvaluated(_ pipeline: PipelineNode) -> Bool {
        idByPipeline[pipeline] != nil
    }

    func cached(_ pipeline: PipelineNode) -> Individual? {
        idByPipeline[pipeline].map { evaluated[$0] }
    }

    mutating func rebuildIndex() {
        idByPipeline = [:]
        for individual in evaluated {
            idByPipeline[individual.pipeline] = individual.id
        }
    }

    /// Adds an evaluation under the next id.
    mutating func record(_ candidate: Candidate, key: String, result: EvaluationResult, generation: Int) -> Individual {
        let individual = Individual(id: evaluated.count, pipeline: candidate.pipeline, key: key, generation: generation,
                                    parents: candidate.parents, variation: candidate.variation, result: result)
        evaluated.append(individual)
        idByPipeline[candidate.pipeline] = individual.id
        switch result.status {
        case .ok: break
        case .failed: failedCount += 1
        case .timedOut: timedOutCount += 1
        }
        return individual
    }

    /// The best pipeline: the front member with the highest CV score (then fewer operators, then key order).
    public var best: Individual? {
        front.min { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.size != b.size { return a.size < b.size }
            return a.key < b.key
        }
    }
}

/// A pipeline about to be evaluated, with its provenance.
struct Candidate: Sendable {
    /// Canonical (its key is computed only if it gets evaluated).
    let pipeline: PipelineNode
    let parents: [Int]
    let variation: Variation
}

extension SearchState: Codable {
    enum CodingKeys: String, CodingKey {
        case generation, rng, population, front, evaluated, failedCount = "failed", timedOutCount = "timed_out"
        case stagnantGenerations = "stagnant_generations"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generation = try c.decode(Int.self, forKey: .generation)
        rng = try c.decode(SeededGenerator.self, forKey: .rng)
        evaluated = try c.decode([Individual].self, forKey: .evaluated)
        for (i, individual) in evaluated.enumerated() {
            guard individual.id == i else {
                throw DecodingError.dataCorruptedError(forKey: .evaluated, in: c,
                    debugDescription: "evaluation \(i) has id \(individual.id)")
            }
        }
        rebuildIndex()
        func lookup(_ ids: [Int], _ key: CodingKeys) throws -> [Individual] {
            try ids.map { id in
                guard evaluated.indices.contains(id) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c,
                        debugDescription: "no evaluation with id \(id)")
                }
                return evaluated[id]
            }
        }
        population = try lookup(try c.decode([Int].self, forKey: .population), .population)
        front = try lookup(try c.decode([Int].self, forKey: .front), .front)
        failedCount = try c.decode(Int.self, forKey: .failedCount)
        timedOutCount = try c.decode(Int.self, forKey: .timedOutCount)
        stagnantGenerations = try c.decode(Int.self, forKey: .stagnantGenerations)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generation, forKey: .generation)
        try c.encode(rng, forKey: .rng)
        try c.encode(population.map(\.id), forKey: .population)
        try c.encode(front.map(\.id), forKey: .front)
        try c.encode(evaluated, forKey: .evaluated)
        try c.encode(failedCount, forKey: .failedCount)
        try c.encode(timedOutCount, forKey: .timedOutCount)
        try c.encode(stagnantGenerations, forKey: .stagnantGenerations)
    }

    /// Puts every pipeline back in canonical form after decoding (JSON does not keep `1.0` apart from `1`, and
    /// the canonical form gives each parameter its declared type again), so a resumed search varies exactly the
    /// pipelines the interrupted one had.
    mutating func recanonicalize(task: Task, registry: OperatorRegistry) throws {
        evaluated = try evaluated.map { individual in
            let pipeline = try individual.pipeline.canonicalized(for: task, registry: registry)
            guard pipeline.canonicalJSON == individual.key else {
                throw CheckpointError.incompatible(["evaluation \(individual.id): its pipeline's canonical form changed "
                    + "(the checkpoint was written by another version of autopipe)"])
            }
            return Individual(id: individual.id, pipeline: pipeline, key: individual.key,
                              generation: individual.generation, parents: individual.parents,
                              variation: individual.variation, result: individual.result)
        }
        population = population.map { evaluated[$0.id] }
        front = front.map { evaluated[$0.id] }
        rebuildIndex()
    }
}
