import AutopipeData

/// The settings of a search that determine its result (timings and thread counts are deliberately not here:
/// they must not change the outcome).
public struct SearchSettings: Sendable, Codable, Hashable {
    public var generations: Int
    public var populationSize: Int
    /// Offspring per generation (TPOT's `offspring_size`); nil means the population size.
    public var offspringSize: Int?
    public var mutationRate: Double
    public var crossoverRate: Double
    public var cvFolds: Int
    public var testSize: Double
    public var metric: Metric
    public var seed: UInt64
    /// Per-evaluation time limit in seconds.
    public var maxEvalSeconds: Double?
    /// The operator configuration's name (`default`, `light`, or a file).
    public var config: String

    public init(generations: Int = 10, populationSize: Int = 40, offspringSize: Int? = nil,
                mutationRate: Double = 0.9, crossoverRate: Double = 0.1, cvFolds: Int = 5, testSize: Double = 0.25,
                metric: Metric = .accuracy, seed: UInt64 = 42, maxEvalSeconds: Double? = 300,
                config: String = "default") {
        self.generations = generations
        self.populationSize = populationSize
        self.offspringSize = offspringSize
        self.mutationRate = mutationRate
        self.crossoverRate = crossoverRate
        self.cvFolds = cvFolds
        self.testSize = testSize
        self.metric = metric
        self.seed = seed
        self.maxEvalSeconds = maxEvalSeconds
        self.config = config
    }

    public var effectiveOffspringSize: Int { offspringSize ?? populationSize }

    enum CodingKeys: String, CodingKey {
        case generations, populationSize = "population_size", offspringSize = "offspring_size"
        case mutationRate = "mutation_rate", crossoverRate = "crossover_rate", cvFolds = "cv"
        case testSize = "test_size", metric = "scoring", seed, maxEvalSeconds = "max_eval_time_seconds", config
    }

    /// Checks ranges; the message names the flag.
    public func validate() throws {
        func fail(_ message: String) throws { throw DataError.invalidOption(message) }
        if generations < 0 { try fail("--generations must be 0 or more; got \(generations).") }
        if populationSize < 2 { try fail("--population-size must be at least 2; got \(populationSize).") }
        if let offspringSize, offspringSize < 1 { try fail("--offspring-size must be at least 1; got \(offspringSize).") }
        if !(0...1).contains(mutationRate) { try fail("--mutation-rate must be in [0, 1]; got \(mutationRate).") }
        if !(0...1).contains(crossoverRate) { try fail("--crossover-rate must be in [0, 1]; got \(crossoverRate).") }
        if mutationRate + crossoverRate > 1 {
            try fail("--mutation-rate plus --crossover-rate must be at most 1; got \(mutationRate + crossoverRate).")
        }
        if cvFolds < 2 { try fail("--cv must be at least 2; got \(cvFolds).") }
        if !(0..<1).contains(testSize) { try fail("--test-size must be in [0, 1); got \(testSize).") }
        if let maxEvalSeconds, maxEvalSeconds <= 0 { try fail("--max-eval-time must be positive.") }
    }
}
