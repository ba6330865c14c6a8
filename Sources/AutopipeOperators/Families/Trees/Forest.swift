import AutopipeData

/// The shared fitting of RandomForest* and ExtraTrees* (scikit-learn's `BaseForest.fit`): `n_estimators` trees,
/// each on a bootstrap sample (as integer sample weights, so `min_samples_*` count distinct samples as in
/// scikit-learn) or on all samples, each with its own seed `context.child(i)`.
struct ForestSettings: Sendable {
    var nEstimators: Int
    var bootstrap: Bool
    /// `max_samples` as a fraction of the rows (nil: all rows).
    var maxSamples: Double?
    var criterion: SplitCriterion
    var randomSplits: Bool
    var tree: TreeParameterValues

    init(_ p: Parameters, criterion: SplitCriterion, randomSplits: Bool) {
        nEstimators = p.int("n_estimators")
        bootstrap = p.bool("bootstrap")
        maxSamples = p.optionalDouble("max_samples")
        self.criterion = criterion
        self.randomSplits = randomSplits
        tree = TreeParameterValues(p)
    }

    /// The forest parameters shared by the four forest operators, with the given defaults and TPOT grids.
    static func specs(criterion: ParameterSpec, maxFeatures: ParamValue, bootstrap: Bool) -> [ParameterSpec] {
        [
            .integer("n_estimators", 1..., default: 100, grid: [100], doc: "number of trees"),
            criterion,
            TreeParameterSpecs.maxDepth(default: nil, grid: []),
            TreeParameterSpecs.minSamplesSplit(),
            TreeParameterSpecs.minSamplesLeaf(),
            TreeParameterSpecs.minWeightFractionLeaf,
            TreeParameterSpecs.maxFeatures(default: maxFeatures, grid: TPOTGrid.fractions.map(ParamValue.double)),
            TreeParameterSpecs.minImpurityDecrease,
            .boolean("bootstrap", default: bootstrap, doc: "fit each tree on a bootstrap sample"),
            .real("max_samples", above: 0, atMost: 1, default: nil,
                  doc: "bootstrap sample size as a fraction of the rows (None: all rows)"),
        ]
    }

    /// scikit-learn: "`max_sample` cannot be set if `bootstrap=False`. Either switch to `bootstrap=True` or set
    /// `max_sample=None`."
    static let rule: @Sendable (Parameters) -> String? = { p in
        if p["bootstrap"]?.boolValue == false, let m = p["max_samples"], !m.isNone {
            return "`max_sample` cannot be set if `bootstrap=False`. Either switch to `bootstrap=True` or set `max_sample=None`."
        }
        return nil
    }

    /// Fits the trees. `labels`/`classCount` for classification, `targets` for regression.
    func fit(_ x: Matrix, labels: [Int32]? = nil, classCount: Int = 0, targets: [Double]? = nil,
             operator name: String, context: FitContext) throws -> (nodes: TreeNodes, importances: [Double]) {
        let n = x.rows
        let data = try TreeTrainingData(x, operator: name)
        let settings = tree.settings(criterion: criterion, randomSplits: randomSplits, rows: n, columns: x.columns,
                                     totalWeight: Double(n))
        var nodes = TreeNodes(width: labels == nil ? 1 : classCount)
        var importances: [[Double]] = []
        let allRows = (0..<n).map { Int32($0) }
        let drawCount = maxSamples.map { max(Int(($0 * Double(n)).rounded(.toNearestOrEven)), 1) } ?? n
        // Each tree depends only on its own seed, so the trees are independent pieces: idle threads may grow
        // some (`FitContext.forEachPiece`); they join the forest in index order.
        let results = PieceResults<BuiltTree>(count: nEstimators)
        context.forEachPiece(nEstimators, work: n * x.columns * nEstimators) { i in
            do {
                try context.check()
                let treeContext = context.child(i)
                var rng = treeContext.generator()
                var treeSettings = settings
                let built: BuiltTree
                if bootstrap {
                    var counts = [Double](repeating: 0, count: n)
                    for _ in 0..<drawCount { counts[rng.nextInt(below: n)] += 1 }
                    var inBag: [Int32] = []
                    inBag.reserveCapacity(n)
                    var total = 0.0
                    for r in 0..<n where counts[r] > 0 {
                        inBag.append(Int32(r))
                        total += counts[r]
                    }
                    treeSettings.minWeightLeaf = tree.minWeightFractionLeaf * total
                    built = try CARTBuilder.buildTree(data: data, labels: labels, classCount: classCount,
                                                      targets: targets, weights: counts, samples: inBag,
                                                      settings: treeSettings, rng: &rng, context: treeContext)
                } else {
                    built = try CARTBuilder.buildTree(data: data, labels: labels, classCount: classCount,
                                                      targets: targets, samples: allRows, settings: treeSettings,
                                                      rng: &rng, context: treeContext)
                }
                results.set(i, .success(built))
            } catch {
                results.set(i, .failure(error))
            }
        }
        for built in try results.values() {
            if built.nodeCount > 1 {
                importances.append(normalizedImportances(built.rawImportances, rootWeight: built.rootWeight))
            }
            nodes.append(built)
        }
        return (nodes, forestImportances(importances, columns: x.columns))
    }
}
