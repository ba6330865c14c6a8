import AutopipeData

/// TPOT 0.12's grids shared by the tree family and the boosting family.
enum TPOTGrid {
    /// `np.arange(0.05, 1.01, 0.05)`, value for value (0.15000000000000002 and all), as TPOT samples them.
    static let fractions: [Double] = (0..<20).map { 0.05 + Double($0) * 0.05 }
    static let learningRates: [Double] = [1e-3, 1e-2, 1e-1, 0.5, 1.0]
    static let maxDepth = Array(1...10)
    static let minSamplesSplit = Array(2...20)
    static let minSamplesLeaf = Array(1...20)
}

/// Parameter declarations shared by the tree-based operators (scikit-learn 1.5.2's domains).
enum TreeParameterSpecs {
    /// `max_features`: a fraction in (0, 1], 'sqrt', 'log2' or None. scikit-learn also takes an int count; autopipe
    /// does not, because an integral float (`1.0`, all features) would read back from JSON as the int 1.
    static func maxFeatures(default value: ParamValue, grid: [ParamValue] = [], doc: String = "") -> ParameterSpec {
        ParameterSpec(name: "max_features",
                      domain: .anyOf([.real(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true),
                                      .choice(["sqrt", "log2"])]),
                      allowsNone: true, defaultValue: value, grid: grid,
                      doc: doc.isEmpty ? "features drawn at each split: a fraction, 'sqrt', 'log2' or None (all)" : doc)
    }

    static func maxDepth(default value: Int?, grid: [Int] = TPOTGrid.maxDepth) -> ParameterSpec {
        .integer("max_depth", 1..., default: value, grid: grid, allowsNone: true,
                 doc: "maximum depth of a tree (None: grow until leaves are pure or too small)")
    }

    /// `min_samples_split`: an int >= 2 or a fraction of the samples in (0, 1].
    static func minSamplesSplit(grid: [Int] = TPOTGrid.minSamplesSplit) -> ParameterSpec {
        ParameterSpec(name: "min_samples_split",
                      domain: .anyOf([.integer(lower: 2, upper: nil),
                                      .real(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)]),
                      defaultValue: .int(2), grid: grid.map(ParamValue.int),
                      doc: "minimum samples needed to split a node (int, or fraction of the samples)")
    }

    /// `min_samples_leaf`: an int >= 1 or a fraction of the samples in (0, 1).
    static func minSamplesLeaf(grid: [Int] = TPOTGrid.minSamplesLeaf) -> ParameterSpec {
        ParameterSpec(name: "min_samples_leaf",
                      domain: .anyOf([.integer(lower: 1, upper: nil),
                                      .real(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)]),
                      defaultValue: .int(1), grid: grid.map(ParamValue.int),
                      doc: "minimum samples in each leaf (int, or fraction of the samples)")
    }

    static let minWeightFractionLeaf = ParameterSpec.real("min_weight_fraction_leaf", 0...0.5, default: 0,
                                                          doc: "minimum fraction of the total sample weight in a leaf")
    static let minImpurityDecrease = ParameterSpec.real("min_impurity_decrease", atLeast: 0, default: 0,
                                                        doc: "a node splits only if the weighted impurity decrease is at least this")
}

/// The parameter values every CART-based operator resolves the same way (`BaseDecisionTree._fit`).
struct TreeParameterValues: Sendable {
    var maxFeatures: ParamValue
    var maxDepth: Int?
    var minSamplesSplit: ParamValue
    var minSamplesLeaf: ParamValue
    var minWeightFractionLeaf: Double
    var minImpurityDecrease: Double

    init(_ p: Parameters) {
        maxFeatures = p["max_features"] ?? .none
        maxDepth = p.optionalInt("max_depth")
        minSamplesSplit = p["min_samples_split"] ?? .int(2)
        minSamplesLeaf = p["min_samples_leaf"] ?? .int(1)
        minWeightFractionLeaf = p.double("min_weight_fraction_leaf")
        minImpurityDecrease = p.double("min_impurity_decrease")
    }

    /// scikit-learn's `max_features_` for `columns` features.
    static func resolveMaxFeatures(_ value: ParamValue, columns: Int) -> Int {
        switch value {
        case .string("sqrt"): return max(1, Int(Double(columns).squareRoot()))
        case .string("log2"): return max(1, Int(log2Floor(columns)))
        case .double(let fraction): return max(1, Int(fraction * Double(columns)))
        case .int(let count): return max(1, count)
        default: return columns
        }
    }

    /// `int(np.log2(columns))` without floating error at exact powers of two.
    static func log2Floor(_ columns: Int) -> Int {
        guard columns > 1 else { return columns == 1 ? 0 : 0 }
        return Int.bitWidth - 1 - columns.leadingZeroBitCount
    }

    /// The builder settings for `rows` training samples of total weight `totalWeight`.
    func settings(criterion: SplitCriterion, randomSplits: Bool, rows: Int, columns: Int,
                  totalWeight: Double) -> TreeSettings {
        let leaf: Int
        switch minSamplesLeaf {
        case .double(let fraction): leaf = Int((fraction * Double(rows)).rounded(.up))
        default: leaf = minSamplesLeaf.intValue ?? 1
        }
        var split: Int
        switch minSamplesSplit {
        case .double(let fraction): split = max(2, Int((fraction * Double(rows)).rounded(.up)))
        default: split = minSamplesSplit.intValue ?? 2
        }
        split = max(split, 2 * leaf)
        return TreeSettings(criterion: criterion, randomSplits: randomSplits, maxDepth: maxDepth ?? Int.max,
                            minSamplesSplit: split, minSamplesLeaf: max(leaf, 1),
                            minWeightLeaf: minWeightFractionLeaf * totalWeight,
                            maxFeatures: Self.resolveMaxFeatures(maxFeatures, columns: columns),
                            minImpurityDecrease: minImpurityDecrease)
    }
}

extension CARTBuilder {
    /// Builds one tree on `samples` (training row indices; repeats allowed) of `data`.
    /// `labels` (class indices, by row) for classification or `targets` (by row) for regression; `weights` by row.
    static func buildTree(data: TreeTrainingData, labels: [Int32]? = nil, classCount: Int = 0,
                          targets: [Double]? = nil, weights: [Double]? = nil, samples: [Int32],
                          settings: TreeSettings, rng: inout SeededGenerator, context: FitContext) throws -> BuiltTree {
        func run(_ t: TreeTargets, _ w: UnsafePointer<Double>?, _ rng: inout SeededGenerator) throws -> BuiltTree {
            let builder = CARTBuilder(data: data, targets: t, weights: w, samples: samples, settings: settings)
            return try builder.build(rng: &rng, context: context)
        }
        func withTargets(_ w: UnsafePointer<Double>?, _ rng: inout SeededGenerator) throws -> BuiltTree {
            if let labels {
                return try labels.withUnsafeBufferPointer { try run(.classes($0, count: classCount), w, &rng) }
            }
            return try (targets ?? []).withUnsafeBufferPointer { try run(.values($0), w, &rng) }
        }
        if let weights {
            return try weights.withUnsafeBufferPointer { try withTargets($0.baseAddress, &rng) }
        }
        return try withTargets(nil, &rng)
    }
}
