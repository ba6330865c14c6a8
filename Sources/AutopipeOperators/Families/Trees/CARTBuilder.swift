import AutopipeData

/// The split quality measures scikit-learn's trees offer (those autopipe implements).
enum SplitCriterion: Sendable {
    case gini, entropy, squaredError, friedmanMSE

    init?(name: String) {
        switch name {
        case "gini": self = .gini
        case "entropy", "log_loss": self = .entropy   // scikit-learn treats log_loss as entropy
        case "squared_error": self = .squaredError
        case "friedman_mse": self = .friedmanMSE
        default: return nil
        }
    }

    var isClassification: Bool { self == .gini || self == .entropy }
}

/// The resolved settings of one tree build (scikit-learn's `BaseDecisionTree._fit` after its conversions).
struct TreeSettings: Sendable {
    var criterion: SplitCriterion
    /// `splitter="random"` (extremely randomised trees) instead of `"best"`.
    var randomSplits = false
    var maxDepth = Int.max
    var minSamplesSplit = 2
    var minSamplesLeaf = 1
    /// `min_weight_fraction_leaf` times the total sample weight.
    var minWeightLeaf = 0.0
    /// The number of features drawn at each node (`max_features_`).
    var maxFeatures: Int
    var minImpurityDecrease = 0.0
}

/// What the tree learns: class indices (0..<count) or real values, indexed by training row.
enum TreeTargets {
    case classes(UnsafeBufferPointer<Int32>, count: Int)
    case values(UnsafeBufferPointer<Double>)
}

/// One built tree before it joins a `TreeNodes` store (indices local to the tree).
struct BuiltTree: Sendable {
    var feature: [Int32] = []
    var threshold: [Double] = []
    var child: [Int32] = []
    var values: [Double] = []
    /// Raw impurity decreases per feature (scikit-learn's sum of `w * impurity - w_l * impurity_l - w_r *
    /// impurity_r` over the splits on each feature); see `normalizedImportances`.
    var rawImportances: [Double]
    /// The root's weighted sample count.
    var rootWeight: Double
    var nodeCount: Int { feature.count }
}

/// scikit-learn's depth-first CART builder (`DepthFirstTreeBuilder` with `BestSplitter` or `RandomSplitter`),
/// reproduced decision for decision: the same stopping rules, feature sampling with known-constant features
/// skipped, float32 values with the 1e-7 tie rule, midpoint thresholds, first-best split on ties in visit order,
/// the same impurity and proxy formulas (so ties between candidate splits resolve as in scikit-learn when the
/// counts are integers). Only the random numbers differ (autopipe's generator).
///
/// Speed: a node's samples are never sorted by float comparisons. Per candidate feature the best splitter
/// gathers the value ranks (`TreeTrainingData.codes`), then either builds a per-rank histogram (few distinct
/// values in the node's range) or radix-sorts (rank, sample) keys, and scans with incremental class counts. For
/// classification the samples stay grouped by class within each node (stable partitions), so a random split's
/// class counts are vectorised comparisons over contiguous segments, and each child's class statistics come
/// from its parent's partition instead of another pass.
final class CARTBuilder {
    let data: TreeTrainingData
    let settings: TreeSettings
    let classCount: Int          // 0 for regression
    let labels: UnsafePointer<Int32>?
    let targets: UnsafePointer<Double>?
    let weights: UnsafePointer<Double>?   // by row; nil = unit weights
    let n: Int                   // training rows (column stride)
    let d: Int

    // Samples of the tree (row indices, repeated rows allowed), partitioned node by node.
    let samples: UnsafeMutablePointer<Int32>
    let sampleCount: Int
    // Scratch.
    var keys: UnsafeMutablePointer<UInt64>
    var keysTmp: UnsafeMutablePointer<UInt64>
    let hist: UnsafeMutablePointer<Double>       // ranks x width (class weights; or sum w*y, sum w)
    let histCount: UnsafeMutablePointer<Int32>   // samples per rank
    let histWidth: Int
    let totals: UnsafeMutablePointer<Double>     // node class weights (classification) or [sum w*y, sum w*y*y]
    let left: UnsafeMutablePointer<Double>       // running left class weights
    let bestLeft: UnsafeMutablePointer<Double>
    let radixCounts: UnsafeMutablePointer<Int>
    // The current node's labels (or targets) and weights by position (start + i), gathered by `nodeTotals`, so
    // the split scans read them contiguously.
    let nodeLabels: UnsafeMutablePointer<Int32>
    let nodeTargets: UnsafeMutablePointer<Double>
    let nodeWeights: UnsafeMutablePointer<Double>
    let featureBuffer: UnsafeMutablePointer<Float>
    /// Regression: w * y of the node's samples by position.
    let nodeWY: UnsafeMutablePointer<Double>
    /// Classification: the node's samples are kept grouped by class (sorted at the root, partitions are
    /// stable); class k occupies node positions classSegments[k]..<classSegments[k + 1].
    let classSegments: UnsafeMutablePointer<Int>
    let partitionBuffer: UnsafeMutablePointer<Int32>
    let leftCounts: UnsafeMutablePointer<Int>
    /// The classes present in the current node, in class order (small nodes hold few of them).
    let present: UnsafeMutablePointer<Int>
    var presentCount = 0
    var partitionLeftWeight = 0.0
    let features: UnsafeMutablePointer<Int>
    let constantFeatures: UnsafeMutablePointer<Int>

    static let featureThreshold = 1e-7
    static let epsilon = Double.ulpOfOne

    init(data: TreeTrainingData, targets: TreeTargets, weights: UnsafePointer<Double>?, samples list: [Int32],
         settings: TreeSettings) {
        self.data = data
        self.settings = settings
        n = data.rows
        d = data.columns
        switch targets {
        case .classes(let y, let count):
            classCount = count
            labels = y.baseAddress
            self.targets = nil
        case .values(let y):
            classCount = 0
            labels = nil
            self.targets = y.baseAddress
        }
        self.weights = weights
        sampleCount = list.count
        let m = max(list.count, 1)
        let sampleBuffer = UnsafeMutablePointer<Int32>.allocate(capacity: m)
        for (i, s) in list.enumerated() { sampleBuffer[i] = s }
        samples = sampleBuffer
        keys = .allocate(capacity: m)
        keysTmp = .allocate(capacity: m)
        histWidth = classCount > 0 ? classCount : 2
        // The histogram path runs only when ranks x width <= 4 x node size (see the split scans), which bounds
        // these buffers by the sample count rather than by the number of distinct values.
        // Twice that: the classification histograms are built in two interleaved copies.
        hist = .allocate(capacity: 2 * min(max(data.maxDistinct, 1) * histWidth, 4 * m + histWidth))
        histCount = .allocate(capacity: 2 * min(max(data.maxDistinct, 1), 4 * m + 1))
        let width = max(classCount, 2)
        totals = .allocate(capacity: width)
        left = .allocate(capacity: width)
        bestLeft = .allocate(capacity: width)
        radixCounts = .allocate(capacity: 256)
        nodeLabels = .allocate(capacity: m)
        nodeTargets = .allocate(capacity: m)
        nodeWeights = .allocate(capacity: m)
        featureBuffer = .allocate(capacity: m)
        nodeWY = .allocate(capacity: m)
        classSegments = .allocate(capacity: width + 1)
        partitionBuffer = .allocate(capacity: m)
        leftCounts = .allocate(capacity: width)
        present = .allocate(capacity: width)
        // Unit weights: the node weights stay 1 (see loadClassStats).
        nodeWeights.initialize(repeating: 1, count: m)
        if let y = labels {
            // Group the samples by class (stable counting sort).
            var start = [Int](repeating: 0, count: classCount + 1)
            for i in 0..<list.count { start[Int(y[Int(list[i])]) + 1] += 1 }
            for k in 0..<classCount { start[k + 1] += start[k] }
            for i in 0..<list.count {
                let label = Int(y[Int(list[i])])
                sampleBuffer[start[label]] = list[i]
                start[label] += 1
            }
        }
        features = .allocate(capacity: max(data.columns, 1))
        constantFeatures = .allocate(capacity: max(data.columns, 1))
        for c in 0..<data.columns {
            features[c] = c
            constantFeatures[c] = 0
        }
    }

    deinit {
        samples.deallocate()
        keys.deallocate()
        keysTmp.deallocate()
        hist.deallocate()
        histCount.deallocate()
        totals.deallocate()
        left.deallocate()
        bestLeft.deallocate()
        radixCounts.deallocate()
        nodeLabels.deallocate()
        nodeTargets.deallocate()
        nodeWeights.deallocate()
        featureBuffer.deallocate()
        features.deallocate()
        constantFeatures.deallocate()
        nodeWY.deallocate()
        classSegments.deallocate()
        partitionBuffer.deallocate()
        leftCounts.deallocate()
        present.deallocate()
    }

    @inline(__always) func weight(_ row: Int) -> Double { weights.map { $0[row] } ?? 1 }

    /// A split under consideration, or the best found so far.
    struct Split {
        var feature = -1
        var threshold = 0.0
        var position = 0          // end of the left child in `samples`
        var proxy = -Double.infinity
        var found: Bool { feature >= 0 }
    }

    struct StackRecord {
        var start: Int, end: Int, depth: Int, slot: Int
        var impurity: Double
        var constantCount: Int
        /// Classification: where the node's class weights and class counts start in `statsStack` (-1: compute
        /// them from the samples).
        var stats = -1
    }

    /// Builds the tree. `rng` drives feature sampling (and random thresholds); `context` is checked once per node.
    func build(rng: inout SeededGenerator, context: FitContext) throws -> BuiltTree {
        let width = classCount > 0 ? classCount : 1
        var tree = BuiltTree(rawImportances: [Double](repeating: 0, count: d), rootWeight: 0)
        var totalWeight = 0.0
        for p in 0..<sampleCount { totalWeight += weight(Int(samples[p])) }
        tree.rootWeight = totalWeight
        // Slot 0 is the root; children are allocated in pairs when their parent splits.
        tree.feature.append(-1)
        tree.threshold.append(0)
        tree.child.append(0)
        var stack: [StackRecord] = [StackRecord(start: 0, end: sampleCount, depth: 0, slot: 0,
                                                impurity: .infinity, constantCount: 0)]
        // Children's class weights and counts, known from the parent's partition (a stack parallel to `stack`).
        var statsStack: [Double] = []
        let k = classCount
        var first = true
        var value = [Double](repeating: 0, count: width)
        while let record = stack.popLast() {
            try context.check()
            let start = record.start, end = record.end
            let count = end - start
            let nodeWeight: Double
            if record.stats >= 0 {
                nodeWeight = loadClassStats(statsStack, record.stats, start, count)
                statsStack.removeLast(statsStack.count - record.stats)
            } else {
                nodeWeight = nodeTotals(start, end)
            }
            var isLeaf = record.depth >= settings.maxDepth || count < settings.minSamplesSplit
                || count < 2 * settings.minSamplesLeaf || nodeWeight < 2 * settings.minWeightLeaf
            var impurity = record.impurity
            if first {
                impurity = nodeImpurity(nodeWeight)
                first = false
            }
            isLeaf = isLeaf || impurity <= Self.epsilon
            var split = Split()
            var constantCount = record.constantCount
            var children = (left: 0.0, right: 0.0, improvement: 0.0, leftWeight: 0.0)
            if !isLeaf {
                split = findSplit(start, end, nodeWeight: nodeWeight, constantCount: &constantCount, rng: &rng)
                if split.found {
                    partition(start, end, split)
                    children = childImpurities(start, split.position, end, nodeWeight: nodeWeight,
                                               impurity: impurity, totalWeight: totalWeight)
                }
                isLeaf = !split.found || children.improvement + Self.epsilon < settings.minImpurityDecrease
            }
            let slot = record.slot
            if isLeaf {
                leafValue(nodeWeight, into: &value)
                tree.feature[slot] = -1
                tree.child[slot] = Int32(tree.values.count / width)
                tree.values.append(contentsOf: value)
            } else {
                let firstChild = tree.feature.count
                tree.feature[slot] = Int32(split.feature)
                tree.threshold[slot] = split.threshold
                tree.child[slot] = Int32(firstChild)
                for _ in 0..<2 {
                    tree.feature.append(-1)
                    tree.threshold.append(0)
                    tree.child.append(0)
                }
                let leftWeight = children.leftWeight
                let rightWeight = nodeWeight - leftWeight
                tree.rawImportances[split.feature] += nodeWeight * impurity - leftWeight * children.left
                    - rightWeight * children.right
                var rightStats = -1, leftStats = -1
                if k > 0 {
                    rightStats = statsStack.count
                    for c in 0..<k { statsStack.append(totals[c] - left[c]) }
                    for c in 0..<k {
                        statsStack.append(Double(classSegments[c + 1] - classSegments[c] - leftCounts[c]))
                    }
                    statsStack.append(rightWeight)
                    leftStats = statsStack.count
                    for c in 0..<k { statsStack.append(left[c]) }
                    for c in 0..<k { statsStack.append(Double(leftCounts[c])) }
                    statsStack.append(leftWeight)
                }
                stack.append(StackRecord(start: split.position, end: end, depth: record.depth + 1,
                                         slot: firstChild + 1, impurity: children.right, constantCount: constantCount,
                                         stats: rightStats))
                stack.append(StackRecord(start: start, end: split.position, depth: record.depth + 1,
                                         slot: firstChild, impurity: children.left, constantCount: constantCount,
                                         stats: leftStats))
            }
        }
        return tree
    }

    // MARK: Feature sampling (scikit-learn's node_split_best / node_split_random outer loop)

    func findSplit(_ start: Int, _ end: Int, nodeWeight: Double, constantCount: inout Int,
                   rng: inout SeededGenerator) -> Split {
        var best = Split()
        best.position = end
        var fI = d
        var visited = 0, foundConstants = 0, drawnConstants = 0
        let knownConstants = constantCount
        var totalConstants = knownConstants
        while fI > totalConstants
            && (visited < settings.maxFeatures || visited <= foundConstants + drawnConstants) {
            visited += 1
            let upper = fI - foundConstants
            var fJ = drawnConstants + rng.nextInt(below: upper - drawnConstants)
            if fJ < knownConstants {
                swapFeatures(drawnConstants, fJ)
                drawnConstants += 1
                continue
            }
            fJ += foundConstants
            let f = features[fJ]
            let isConstant: Bool
            if settings.randomSplits {
                isConstant = randomSplit(f, start, end, nodeWeight: nodeWeight, best: &best, rng: &rng)
            } else {
                isConstant = bestSplit(f, start, end, nodeWeight: nodeWeight, best: &best)
            }
            if isConstant {
                swapFeatures(fJ, totalConstants)
                foundConstants += 1
                totalConstants += 1
                continue
            }
            fI -= 1
            swapFeatures(fI, fJ)
        }
        // Keep the known constants first, in their recorded order, and record the newly found ones.
        for i in 0..<knownConstants { features[i] = constantFeatures[i] }
        for i in knownConstants..<(knownConstants + foundConstants) { constantFeatures[i] = features[i] }
        constantCount = totalConstants
        return best
    }

    @inline(__always) func swapFeatures(_ a: Int, _ b: Int) {
        let t = features[a]
        features[a] = features[b]
        features[b] = t
    }

    /// Moves the samples going left (`Double(x) <= threshold`) before those going right, keeping their order
    /// (so class-grouped samples stay grouped), and records the left child's statistics from the node's
    /// gathered labels/targets: class weights in `left` (classification) or [sum w*y, sum w*y*y] (regression),
    /// and their weight in `partitionLeftWeight`.
    func partition(_ start: Int, _ end: Int, _ split: Split) {
        let column = data.values + split.feature * n
        let threshold = TreeSIMD.floatThreshold(split.threshold)
        let samples = self.samples, right = partitionBuffer, nw = nodeWeights
        var l = start, r = 0
        var wL = 0.0
        if classCount > 0 {
            for c in 0..<classCount {
                left[c] = 0
                leftCounts[c] = 0
            }
            for j in 0..<presentCount {
                let c = present[j]
                var wc = 0.0
                let l0 = l
                for i in classSegments[c]..<classSegments[c + 1] {
                    // Branch-free (random thresholds make the comparison unpredictable): write both ways, advance
                    // one. samples[l] with l <= start + i was already read.
                    let s = samples[start &+ i]
                    let goesLeft = column[Int(s)] <= threshold
                    samples[l] = s
                    right[r] = s
                    l &+= goesLeft ? 1 : 0
                    r &+= goesLeft ? 0 : 1
                    wc += nw[i] * (goesLeft ? 1.0 : 0.0)
                }
                left[c] = wc
                leftCounts[c] = l - l0
                wL += wc
            }
        } else {
            let wy = nodeWY, y = nodeTargets
            var sum = 0.0, sq = 0.0
            for i in 0..<(end - start) {
                let s = samples[start &+ i]
                let goesLeft = column[Int(s)] <= threshold
                let g = goesLeft ? 1.0 : 0.0
                samples[l] = s
                right[r] = s
                l &+= goesLeft ? 1 : 0
                r &+= goesLeft ? 0 : 1
                sum += g * wy[i]
                sq += g * (wy[i] * y[i])
                wL += g * nw[i]
            }
            left[0] = sum
            left[1] = sq
        }
        for i in 0..<r { samples[l + i] = right[i] }
        partitionLeftWeight = wL
    }

    // MARK: Criterion dispatch

    /// Fills `totals` for samples[start..<end] and returns their weight.
    func nodeTotals(_ start: Int, _ end: Int) -> Double {
        classCount > 0 ? classTotals(start, end) : regressionTotals(start, end)
    }

    func nodeImpurity(_ weight: Double) -> Double {
        classCount > 0 ? classImpurity(totals, weight) : regressionImpurity(weight)
    }

    func leafValue(_ weight: Double, into value: inout [Double]) {
        if classCount > 0 {
            for k in 0..<classCount { value[k] = totals[k] / weight }
        } else {
            value[0] = totals[0] / weight
        }
    }

    func bestSplit(_ f: Int, _ start: Int, _ end: Int, nodeWeight: Double, best: inout Split) -> Bool {
        classCount > 0 ? bestClassSplit(f, start, end, nodeWeight: nodeWeight, best: &best)
            : bestRegressionSplit(f, start, end, nodeWeight: nodeWeight, best: &best)
    }

    func randomSplit(_ f: Int, _ start: Int, _ end: Int, nodeWeight: Double, best: inout Split,
                     rng: inout SeededGenerator) -> Bool {
        let column = data.values + f * n
        let buffer = featureBuffer, samples = self.samples
        let m = end - start
        // One pass: gather the node's values contiguously and track their range (four independent min/max
        // chains, so the loop is not bound by the comparison latency).
        let first = column[Int(samples[start])]
        var lo0 = first, hi0 = first, lo1 = first, hi1 = first, lo2 = first, hi2 = first, lo3 = first, hi3 = first
        let src = samples + start
        var i = 0
        while i &+ 4 <= m {
            let v0 = column[Int(src[i])], v1 = column[Int(src[i &+ 1])]
            let v2 = column[Int(src[i &+ 2])], v3 = column[Int(src[i &+ 3])]
            buffer[i] = v0
            buffer[i &+ 1] = v1
            buffer[i &+ 2] = v2
            buffer[i &+ 3] = v3
            lo0 = v0 < lo0 ? v0 : lo0
            hi0 = hi0 < v0 ? v0 : hi0
            lo1 = v1 < lo1 ? v1 : lo1
            hi1 = hi1 < v1 ? v1 : hi1
            lo2 = v2 < lo2 ? v2 : lo2
            hi2 = hi2 < v2 ? v2 : hi2
            lo3 = v3 < lo3 ? v3 : lo3
            hi3 = hi3 < v3 ? v3 : hi3
            i &+= 4
        }
        while i < m {
            let v = column[Int(src[i])]
            buffer[i] = v
            lo0 = v < lo0 ? v : lo0
            hi0 = hi0 < v ? v : hi0
            i &+= 1
        }
        let lo = min(min(lo0, lo1), min(lo2, lo3)), hi = max(max(hi0, hi1), max(hi2, hi3))
        if Double(hi) <= Double(lo) + Self.featureThreshold { return true }
        // scikit-learn's rand_uniform(min, max), then the same guard against drawing the maximum.
        var threshold = (Double(hi) - Double(lo)) * rng.nextDouble() + Double(lo)
        if threshold == Double(hi) { threshold = Double(lo) }
        if classCount > 0 {
            randomClassSplit(f, threshold, start, end, nodeWeight: nodeWeight, best: &best)
        } else {
            randomRegressionSplit(f, threshold, start, end, nodeWeight: nodeWeight, best: &best)
        }
        return false
    }

    /// Children impurities of the (already partitioned) split and its weighted impurity decrease.
    func childImpurities(_ start: Int, _ position: Int, _ end: Int, nodeWeight: Double, impurity: Double,
                         totalWeight: Double) -> (left: Double, right: Double, improvement: Double, leftWeight: Double) {
        classCount > 0
            ? classChildImpurities(start, position, end, nodeWeight: nodeWeight, impurity: impurity,
                                   totalWeight: totalWeight)
            : regressionChildImpurities(start, position, end, nodeWeight: nodeWeight, impurity: impurity,
                                        totalWeight: totalWeight)
    }

    /// The scikit-learn improvement formula (all criteria but friedman_mse).
    @inline(__always)
    static func improvement(nodeWeight: Double, totalWeight: Double, impurity: Double, leftWeight: Double,
                            rightWeight: Double, leftImpurity: Double, rightImpurity: Double) -> Double {
        (nodeWeight / totalWeight)
            * (impurity - (rightWeight / nodeWeight * rightImpurity) - (leftWeight / nodeWeight * leftImpurity))
    }
}
