import AutopipeData

/// The settings of a search that determine its result (thread counts and output paths are deliberately not here:
/// they must not change the outcome). Encoded in `best.json` and in checkpoints with the CLI's option names.
public struct SearchSettings: Sendable, Codable, Hashable {
    /// Generations after the initial population; nil: until `maxTimeSeconds` is up.
    public var generations: Int?
    public var populationSize: Int
    /// Offspring per generation (TPOT's `offspring_size`); nil means the population size.
    public var offspringSize: Int?
    public var mutationRate: Double
    public var crossoverRate: Double
    public var cvFolds: Int
    public var testSize: Double
    /// Fraction of the training rows the search evaluates pipelines on (TPOT's `subsample`); the final refit uses
    /// every training row.
    public var subsample: Double
    public var metric: Metric
    public var seed: UInt64
    /// Per-evaluation time limit in seconds (nil: none).
    public var maxEvalSeconds: Double?
    /// Time limit of the whole search command in seconds, final refit and output included (nil: none).
    public var maxTimeSeconds: Double?
    /// Stop after this many generations without a change of the Pareto front (TPOT's `early_stop`).
    public var earlyStop: Int?
    /// The operator configuration: `default`, `light`, or a JSON file's path.
    public var config: String
    /// A fixed pipeline shape such as `Selector-Transformer-Classifier` (TPOT's `template`), or nil.
    public var template: String?

    public init(generations: Int? = 10, populationSize: Int = 40, offspringSize: Int? = nil,
                mutationRate: Double = 0.9, crossoverRate: Double = 0.1, cvFolds: Int = 5, testSize: Double = 0.25,
                subsample: Double = 1, metric: Metric = .accuracy, seed: UInt64 = 42, maxEvalSeconds: Double? = 300,
                maxTimeSeconds: Double? = nil, earlyStop: Int? = nil, config: String = "default",
                template: String? = nil) {
        self.generations = generations
        self.populationSize = populationSize
        self.offspringSize = offspringSize
        self.mutationRate = mutationRate
        self.crossoverRate = crossoverRate
        self.cvFolds = cvFolds
        self.testSize = testSize
        self.subsample = subsample
        self.metric = metric
        self.seed = seed
        self.maxEvalSeconds = maxEvalSeconds
        self.maxTimeSeconds = maxTimeSeconds
        self.earlyStop = earlyStop
        self.config = config
        self.template = template
    }

    public var effectiveOffspringSize: Int { offspringSize ?? populationSize }

    enum CodingKeys: String, CodingKey {
        case generations, populationSize = "population_size", offspringSize = "offspring_size"
        case mutationRate = "mutation_rate", crossoverRate = "crossover_rate", cvFolds = "cv"
        case testSize = "test_size", subsample, metric = "scoring", seed
        case maxEvalSeconds = "max_eval_time_seconds", maxTimeSeconds = "max_time_seconds"
        case earlyStop = "early_stop", config, template
    }

    /// Checks ranges; the message names the flag.
    public func validate() throws {
        func fail(_ message: String) throws { throw DataError.invalidOption(message) }
        if let generations, generations < 0 { try fail("--generations must be 0 or more; got \(generations).") }
        if generations == nil && maxTimeSeconds == nil {
            try fail("give --generations, --max-time, or both: without either the search would never end.")
        }
        if populationSize < 2 { try fail("--population-size must be at least 2; got \(populationSize).") }
        if let offspringSize, offspringSize < 1 { try fail("--offspring-size must be at least 1; got \(offspringSize).") }
        if !(0...1).contains(mutationRate) { try fail("--mutation-rate must be in [0, 1]; got \(mutationRate).") }
        if !(0...1).contains(crossoverRate) { try fail("--crossover-rate must be in [0, 1]; got \(crossoverRate).") }
        if mutationRate + crossoverRate > 1 + 1e-12 {
            try fail("--mutation-rate plus --crossover-rate must be at most 1; got \(mutationRate + crossoverRate).")
        }
        if cvFolds < 2 { try fail("--cv must be at least 2; got \(cvFolds).") }
        if !(0..<1).contains(testSize) { try fail("--test-size must be in [0, 1); got \(testSize).") }
        if !(subsample > 0 && subsample <= 1) { try fail("--subsample must be in (0, 1]; got \(subsample).") }
        if let maxEvalSeconds, !(maxEvalSeconds > 0) { try fail("--max-eval-time must be positive.") }
        if let maxTimeSeconds, !(maxTimeSeconds > 0) { try fail("--max-time must be positive.") }
        if let earlyStop, earlyStop < 1 { try fail("--early-stop must be at least 1; got \(earlyStop).") }
    }

    /// What differs from `other` (a checkpoint's settings) in ways that change the search, one
    /// `--flag: checkpoint X, now Y` text per setting. A resumed search may change only how long it runs
    /// (`--generations`, `--max-time`, `--early-stop`: the search up to any generation does not depend on them);
    /// the operator configuration is compared by content (`SearchSpace.digest`), not by name or path.
    public func incompatibilities(with other: SearchSettings) -> [String] {
        var out: [String] = []
        func check<T: Equatable>(_ flag: String, _ a: T, _ b: T, _ text: (T) -> String) {
            if a != b { out.append("\(flag): checkpoint \(text(b)), now \(text(a))") }
        }
        func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "unset" }
        check("--population-size", populationSize, other.populationSize) { "\($0)" }
        check("--offspring-size", effectiveOffspringSize, other.effectiveOffspringSize) { "\($0)" }
        check("--mutation-rate", mutationRate, other.mutationRate) { "\($0)" }
        check("--crossover-rate", crossoverRate, other.crossoverRate) { "\($0)" }
        check("--cv", cvFolds, other.cvFolds) { "\($0)" }
        check("--test-size", testSize, other.testSize) { "\($0)" }
        check("--subsample", subsample, other.subsample) { "\($0)" }
        check("--scoring", metric, other.metric) { $0.rawValue }
        check("--seed", seed, other.seed) { "\($0)" }
        check("--max-eval-time", maxEvalSeconds, other.maxEvalSeconds) { opt($0) }
        check("--template", template, other.template) { opt($0) }
        return out
    }
}
