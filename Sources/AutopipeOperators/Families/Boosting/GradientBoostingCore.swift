import AutopipeData

/// What GradientBoostingClassifier and GradientBoostingRegressor share (scikit-learn's `BaseGradientBoosting`):
/// the parameter table, the per-stage regression tree on the negative gradient (friedman_mse by default), the
/// subsample mask, and the quantile helpers scikit-learn's losses use.
struct GradientBoostingSettings: Sendable {
    var learningRate: Double
    var nEstimators: Int
    var subsample: Double
    var criterion: SplitCriterion
    var tree: TreeParameterValues

    init(_ p: Parameters) {
        learningRate = p.double("learning_rate")
        nEstimators = p.int("n_estimators")
        subsample = p.double("subsample")
        criterion = SplitCriterion(name: p.string("criterion")) ?? .friedmanMSE
        tree = TreeParameterValues(p)
    }

    /// The parameters both gradient boosting operators take (scikit-learn 1.5.2 defaults, TPOT 0.12 grids).
    static let commonSpecs: [ParameterSpec] = [
        .real("learning_rate", atLeast: 0, default: 0.1, grid: TPOTGrid.learningRates,
              doc: "shrinks the contribution of each tree"),
        .integer("n_estimators", 1..., default: 100, grid: [100], doc: "number of boosting stages"),
        .real("subsample", above: 0, atMost: 1, default: 1.0, grid: TPOTGrid.fractions,
              doc: "fraction of the samples each stage's tree is fitted on (stochastic gradient boosting)"),
        .choice("criterion", ["friedman_mse", "squared_error"], default: "friedman_mse", grid: [],
                doc: "split quality measure of the stage trees"),
        TreeParameterSpecs.minSamplesSplit(),
        TreeParameterSpecs.minSamplesLeaf(),
        TreeParameterSpecs.minWeightFractionLeaf,
        TreeParameterSpecs.maxDepth(default: 3),
        TreeParameterSpecs.minImpurityDecrease,
        TreeParameterSpecs.maxFeatures(default: .none, grid: TPOTGrid.fractions.map(ParamValue.double)),
    ]

    /// The stage's in-bag rows: all rows, or `max(1, int(subsample * n))` rows drawn without replacement
    /// (scikit-learn's `_random_sample_mask`), in row order.
    func inBagRows(_ n: Int, rng: inout SeededGenerator) -> [Int32] {
        let all = (0..<n).map { Int32($0) }
        guard subsample < 1 else { return all }
        let count = max(1, Int(subsample * Double(n)))
        var rows = all
        for i in 0..<count {
            let j = i + rng.nextInt(below: n - i)
            rows.swapAt(i, j)
        }
        return rows[0..<count].sorted()
    }

    /// Fits one stage tree on `gradient` (the negative gradient, by row) over `rows`.
    func stageTree(_ data: TreeTrainingData, gradient: [Double], rows: [Int32], context: FitContext) throws -> BuiltTree {
        let settings = tree.settings(criterion: criterion, randomSplits: false, rows: data.rows,
                                     columns: data.columns, totalWeight: Double(rows.count))
        var rng = context.generator()
        return try CARTBuilder.buildTree(data: data, targets: gradient, samples: rows, settings: settings,
                                         rng: &rng, context: context)
    }
}

/// Boosting's feature importances (scikit-learn's `BaseGradientBoosting.feature_importances_`): the mean over the
/// trees that split of their unnormalised importances (raw decrease / root weight), normalised to sum 1.
struct BoostingImportances {
    private var sum: [Double]
    private var trees = 0

    init(columns: Int) { sum = [Double](repeating: 0, count: columns) }

    mutating func add(_ tree: BuiltTree) {
        guard tree.nodeCount > 1, tree.rootWeight > 0 else { return }
        for c in 0..<sum.count { sum[c] += tree.rawImportances[c] / tree.rootWeight }
        trees += 1
    }

    var normalized: [Double] {
        guard trees > 0 else { return sum.map { _ in 0 } }
        let mean = sum.map { $0 / Double(trees) }
        let total = mean.reduce(0, +)
        return total > 0 ? mean.map { $0 / total } : mean
    }
}

/// scikit-learn's percentile helpers.
enum Percentile {
    /// `sklearn.utils.stats._weighted_percentile` with unit weights: the smallest sorted value whose cumulative
    /// count reaches `percentile / 100 * n` (the lower weighted percentile, no interpolation).
    static func weightedLower(_ values: [Double], percentile: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        var adjusted = percentile / 100 * Double(sorted.count)
        if adjusted == 0 { adjusted = adjusted.nextUp }
        // First index i with cumulative count (i + 1) >= adjusted.
        var index = Int((adjusted - 1).rounded(.up))
        if Double(index + 1) < adjusted { index += 1 }
        index = min(max(index, 0), sorted.count - 1)
        return sorted[index]
    }

    /// `numpy.percentile(values, q)` with its default linear interpolation (numpy's `_lerp`).
    static func linear(_ values: [Double], q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let virtual = (q / 100) * Double(sorted.count - 1)
        let lower = min(max(Int(virtual.rounded(.down)), 0), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        let t = virtual - Double(lower)
        let a = sorted[lower], b = sorted[upper]
        let diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }
}

/// Rows grouped by the leaf they reach (in-bag rows only), for the per-leaf line search.
struct LeafGroups {
    let start: [Int]      // leafCount + 1 offsets into `rows`
    let rows: [Int32]

    init(leafOf: [Int32], rows inBag: [Int32], leafCount: Int) {
        var count = [Int](repeating: 0, count: leafCount + 1)
        for r in inBag { count[Int(leafOf[Int(r)]) + 1] += 1 }
        for i in 0..<leafCount { count[i + 1] += count[i] }
        var next = Array(count[0..<leafCount])
        var grouped = [Int32](repeating: 0, count: inBag.count)
        for r in inBag {
            let leaf = Int(leafOf[Int(r)])
            grouped[next[leaf]] = r
            next[leaf] += 1
        }
        start = count
        rows = grouped
    }

    func rows(ofLeaf leaf: Int) -> ArraySlice<Int32> { rows[start[leaf]..<start[leaf + 1]] }
}

/// scikit-learn's `_safe_divide`: 0 when the denominator is (nearly) zero.
@inline(__always) func safeDivide(_ numerator: Double, _ denominator: Double) -> Double {
    abs(denominator) < 1e-150 ? 0 : numerator / denominator
}
