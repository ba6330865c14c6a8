import AutopipeData
import CAutopipeKernels

/// One bin of a node histogram: sums of gradients and hessians (in Double, from Float gradients, as
/// scikit-learn's HISTOGRAM_DTYPE) and the sample count (`g`, `h`, `c`; a C struct, so the split-scan kernel in
/// CAutopipeKernels reads the same layout).
typealias HistBin = autopipe_hist_bin

/// The binned training data and settings shared by every tree of one fit.
struct HistGrowerSettings {
    /// Column-major binned features (`f * n + i`).
    var binned: [UInt8]
    let n: Int
    let d: Int
    /// Non-missing bins per feature; the missing-values bin of feature f is coded binsNonMissing[f].
    let binsNonMissing: [Int]
    let hasMissing: [Bool]
    let maxLeafNodes: Int?
    let maxDepth: Int?
    let minSamplesLeaf: Int
    let l2: Double
    let shrinkage: Double
    let featureFraction: Double
    /// Squared error: the hessian is the constant 1 and counts stand in for hessian sums.
    let constantHessian: Bool
    let minHessianToSplit = 1e-3
    // scikit-learn's min_gain_to_split is 0: the split scan (histsplit.c) keeps only gains > 0.
    /// Start of feature f's bins in a node histogram (binsNonMissing[f] + 1 bins each); the last entry is the size.
    let offsets: [Int]
    /// The features that can split: two or more bins, or missing values. The others (a constant column, as the
    /// products of an always-blank pixel in polynomial features of digits) are left out of histograms and scans.
    let splittable: [Int]

    init(binned: [UInt8], n: Int, d: Int, binsNonMissing: [Int], hasMissing: [Bool], maxLeafNodes: Int?,
         maxDepth: Int?, minSamplesLeaf: Int, l2: Double, shrinkage: Double, featureFraction: Double,
         constantHessian: Bool) {
        self.binned = binned
        self.n = n
        self.d = d
        self.binsNonMissing = binsNonMissing
        self.hasMissing = hasMissing
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2 = l2
        self.shrinkage = shrinkage
        self.featureFraction = featureFraction
        self.constantHessian = constantHessian
        var offsets = [0]
        for f in 0..<d { offsets.append(offsets[f] + binsNonMissing[f] + 1) }
        self.offsets = offsets
        splittable = (0..<d).filter { binsNonMissing[$0] >= 2 || hasMissing[$0] }
    }
}

/// A grown tree in flat arrays (grower order; node 0 is the root).
struct HistTree {
    var feature: [Int32] = []
    var bin: [UInt8] = []
    var missingLeft: [Bool] = []
    var left: [Int32] = []      // -1 for leaves
    var right: [Int32] = []
    var value: [Double] = []
    /// Partition range of each node (for updating the training predictions).
    var start: [Int] = []
    var stop: [Int] = []
}

/// scikit-learn's `TreeGrower`: leaf-wise (best-first) growth on histograms, with the same split rules
/// (min_samples_leaf, min_hessian_to_split 1e-3, gain > 0, max_depth, max_leaf_nodes), the same gain
/// (XGBoost's, with the root's value taken as 0 as scikit-learn does), the same priority queue semantics (Python's
/// heapq with ties broken as heapq breaks them), histogram subtraction for the larger child, and missing values
/// sent to the better side (or, for features without missing values in training, to the child with more samples).
final class HistTreeGrower {
    let s: HistGrowerSettings
    /// Sample indices, partitioned so each node owns a contiguous range (stable partition, as scikit-learn).
    var partition: [UInt32]
    private var buffer: [UInt32]
    private var arena: [HistBin] = []
    /// Which bins of each slot may be non-zero: four 64-bit words per feature (bins are at most 256). A bin
    /// outside the marks is exactly zero, so building, subtracting, scanning for splits and clearing a slot
    /// touch only the marked bins: a node of 20 rows costs about 20 bins per feature, not 256.
    private var marks: [UInt64] = []
    private var freeSlots: [Int] = []
    private var orderedG: [Float]
    private var orderedH: [Float]

    struct Split {
        var gain = -1.0
        var feature = 0
        var bin = 0
        var missingLeft = false
        var gLeft = 0.0, hLeft = 0.0, gRight = 0.0, hRight = 0.0
        var nLeft = 0, nRight = 0
        var valueLeft = 0.0, valueRight = 0.0
    }

    struct Node {
        var depth: Int
        var start: Int
        var stop: Int
        var sumG: Double
        var sumH: Double
        var value: Double
        var split = Split()
        var slot = -1
        var left = -1, right = -1
        var isLeaf = false
        var n: Int { stop - start }
    }

    private var nodes: [Node] = []
    private var heap: [Int] = []

    /// The split-scan kernel's instruction level (see `VectorMath.kernelLevel`; every level gives the same splits,
    /// HistSplitScanKernelTests).
    private let level = VectorMath.kernelLevel

    init(settings: HistGrowerSettings) {
        s = settings
        partition = [UInt32](repeating: 0, count: settings.n)
        buffer = partition
        orderedG = [Float](repeating: 0, count: settings.n)
        orderedH = orderedG
    }

    private var slotSize: Int { s.offsets[s.d] }
    private var marksPerSlot: Int { 4 * s.d }

    /// A slot for a node's histogram. It may still hold bins of an earlier node: `fusedPass` clears each
    /// feature's marked bins just before accumulating into them, while they are in cache.
    private func acquireSlot() -> Int {
        if let slot = freeSlots.popLast() { return slot }
        let slot = arena.count / max(slotSize, 1)
        arena.append(contentsOf: repeatElement(HistBin(), count: slotSize))
        marks.append(contentsOf: repeatElement(0, count: marksPerSlot))
        return slot
    }

    private func releaseSlot(_ node: Int) {
        if nodes[node].slot >= 0 {
            freeSlots.append(nodes[node].slot)
            nodes[node].slot = -1
        }
    }

    /// Grows one tree on `gradients` / `hessians` (nil: constant hessian 1, as squared error).
    func grow(gradients: [Float], hessians: [Float]?, generator: inout SeededGenerator,
              context: FitContext) throws -> HistTree {
        nodes.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        freeSlots = Array((0..<(arena.count / max(slotSize, 1))).reversed())
        for i in 0..<s.n { partition[i] = UInt32(i) }
        // As scikit-learn's `sum_parallel` (float64 accumulation; its one-thread order).
        var sumG = 0.0, sumH = 0.0
        for i in 0..<s.n { sumG += Double(gradients[i]) }
        if let hessians { for i in 0..<s.n { sumH += Double(hessians[i]) } } else { sumH = Double(s.n) }
        nodes.append(Node(depth: 0, start: 0, stop: s.n, sumG: sumG, sumH: sumH, value: 0))
        if s.n >= 2 * s.minSamplesLeaf && sumH >= s.minHessianToSplit {
            nodes[0].slot = acquireSlot()
            var targets = [ScanTarget(node: 0, allowed: featureMask(&generator))]
            fusedPass(build: 0, subtractFrom: nil, targets: &targets, gradients: gradients, hessians: hessians)
            finish(targets[0])
        } else {
            nodes[0].isLeaf = true
        }
        while !heap.isEmpty {
            try context.check()
            let node = heapPop()
            try splitNode(node, gradients: gradients, hessians: hessians, generator: &generator)
        }
        return makeTree()
    }

    /// Adds the tree just grown to column `output` of `raw` (k columns per row): each leaf's value to the rows of
    /// its sample range, the training predictions.
    func addLeafValues(_ tree: HistTree, to raw: UnsafeMutableBufferPointer<Double>, k: Int, output j: Int) {
        partition.withUnsafeBufferPointer { p in
            for node in 0..<tree.feature.count where tree.feature[node] < 0 {
                let v = tree.value[node]
                for i in tree.start[node]..<tree.stop[node] { raw[Int(p[i]) * k + j] += v }
            }
        }
    }

    // MARK: Histograms and split scans, fused per block of features

    /// A node whose best split a fused pass looks for: the features it may use (max_features) and the best
    /// split found so far.
    private struct ScanTarget {
        let node: Int
        let allowed: [Bool]?
        var best = Split()
    }

    /// Features per block of a fused pass: a block's bins of the built, the subtracted and the scanned
    /// histograms (16 x at most 257 bins x 24 bytes each) stay in the core's caches from one step to the next.
    private static let blockFeatures = 16

    /// Builds the histogram of `build` (in its slot), subtracts it from `subtractFrom` when given (the parent's
    /// slot, which becomes the larger sibling's), and scans `targets` for their best splits; block by block of
    /// features, in feature order. Every bin and every gain is computed by the same operations in the same order
    /// as building, subtracting and scanning whole histograms one after the other (HistBoostingGoldenTests), but
    /// a node histogram of wide data (2,000 features x 100 bins: about 5 MB) no longer streams through memory
    /// three to five times per split.
    private func fusedPass(build node: Int, subtractFrom parentSlot: Int?, targets: inout [ScanTarget],
                           gradients: [Float], hessians: [Float]?) {
        let start = nodes[node].start, count = nodes[node].n
        let slot = nodes[node].slot, size = slotSize, words = marksPerSlot
        let features = s.splittable
        partition.withUnsafeBufferPointer { p in
            orderedG.withUnsafeMutableBufferPointer { og in
                gradients.withUnsafeBufferPointer { g in
                    for i in 0..<count { og[i] = g[Int(p[start + i])] }
                }
            }
            if let hessians {
                orderedH.withUnsafeMutableBufferPointer { oh in
                    hessians.withUnsafeBufferPointer { h in
                        for i in 0..<count { oh[i] = h[Int(p[start + i])] }
                    }
                }
            }
        }
        arena.withUnsafeMutableBufferPointer { a in
          marks.withUnsafeMutableBufferPointer { m in
            partition.withUnsafeBufferPointer { p in
              orderedG.withUnsafeBufferPointer { og in
                orderedH.withUnsafeBufferPointer { oh in
                  s.binned.withUnsafeBufferPointer { xb in
                    let hist = a.baseAddress! + slot * size, mark = m.baseAddress! + slot * words
                    var k0 = 0
                    while k0 < features.count {
                        let block = k0..<min(k0 + Self.blockFeatures, features.count)
                        clear(hist: hist, marks: mark, block: block)
                        accumulate(xb.baseAddress!, rows: p.baseAddress! + start, count: count,
                                   identity: count == s.n, g: og.baseAddress!,
                                   h: hessians == nil ? nil : oh.baseAddress!, hist: hist, marks: mark, block: block)
                        if let parentSlot {
                            subtract(parent: a.baseAddress! + parentSlot * size,
                                     parentMarks: m.baseAddress! + parentSlot * words, small: hist, block: block)
                        }
                        for t in targets.indices {
                            let target = nodes[targets[t].node].slot
                            scan(&targets[t], hist: a.baseAddress! + target * size,
                                 marks: m.baseAddress! + target * words, block: block)
                        }
                        k0 = block.upperBound
                    }
                  }
                }
              }
            }
          }
        }
    }

    /// Zeroes the marked bins of the block's features and removes their marks.
    @inline(__always)
    private func clear(hist: UnsafeMutablePointer<HistBin>, marks: UnsafeMutablePointer<UInt64>, block: Range<Int>) {
        s.offsets.withUnsafeBufferPointer { offsets in
            for k in block {
                let f = s.splittable[k]
                let fh = hist + offsets[f]
                for w in 0..<4 {
                    var bits = marks[4 * f + w]
                    if bits == 0 { continue }
                    marks[4 * f + w] = 0
                    while bits != 0 {
                        fh[w &* 64 &+ bits.trailingZeroBitCount] = HistBin()
                        bits &= bits &- 1
                    }
                }
            }
        }
    }

    /// Adds the node's rows to `hist` for the block's features, four features at a time. Each feature's bins
    /// still receive the rows in partition order (so every sum is the same as one feature at a time, bit for
    /// bit), but the four features' read-modify-write chains are independent: when most rows fall in one bin (a
    /// constant background pixel, a zero product), one feature alone would wait on each add to that bin before
    /// the next.
    @inline(__always)
    private func accumulate(_ binned: UnsafePointer<UInt8>, rows: UnsafePointer<UInt32>, count: Int, identity: Bool,
                            g: UnsafePointer<Float>, h: UnsafePointer<Float>?, hist: UnsafeMutablePointer<HistBin>,
                            marks: UnsafeMutablePointer<UInt64>, block: Range<Int>) {
        let n = s.n
        var k = block.lowerBound
        let features = s.splittable
        s.offsets.withUnsafeBufferPointer { offsets in
            while k + 4 <= block.upperBound {
                let f0 = features[k], f1 = features[k + 1], f2 = features[k + 2], f3 = features[k + 3]
                let c0 = binned + f0 * n, c1 = binned + f1 * n, c2 = binned + f2 * n, c3 = binned + f3 * n
                let h0 = hist + offsets[f0], h1 = hist + offsets[f1]
                let h2 = hist + offsets[f2], h3 = hist + offsets[f3]
                let m0 = marks + 4 * f0, m1 = marks + 4 * f1, m2 = marks + 4 * f2, m3 = marks + 4 * f3
                if let h {
                    for i in 0..<count {
                        let r = identity ? i : Int(rows[i])
                        let gi = Double(g[i]), hi = Double(h[i])
                        let b0 = Int(c0[r]), b1 = Int(c1[r]), b2 = Int(c2[r]), b3 = Int(c3[r])
                        h0[b0].g += gi; h0[b0].h += hi; h0[b0].c &+= 1
                        h1[b1].g += gi; h1[b1].h += hi; h1[b1].c &+= 1
                        h2[b2].g += gi; h2[b2].h += hi; h2[b2].c &+= 1
                        h3[b3].g += gi; h3[b3].h += hi; h3[b3].c &+= 1
                        m0[b0 &>> 6] |= 1 &<< UInt64(b0 & 63); m1[b1 &>> 6] |= 1 &<< UInt64(b1 & 63)
                        m2[b2 &>> 6] |= 1 &<< UInt64(b2 & 63); m3[b3 &>> 6] |= 1 &<< UInt64(b3 & 63)
                    }
                } else {
                    for i in 0..<count {
                        let r = identity ? i : Int(rows[i])
                        let gi = Double(g[i])
                        let b0 = Int(c0[r]), b1 = Int(c1[r]), b2 = Int(c2[r]), b3 = Int(c3[r])
                        h0[b0].g += gi; h0[b0].c &+= 1
                        h1[b1].g += gi; h1[b1].c &+= 1
                        h2[b2].g += gi; h2[b2].c &+= 1
                        h3[b3].g += gi; h3[b3].c &+= 1
                        m0[b0 &>> 6] |= 1 &<< UInt64(b0 & 63); m1[b1 &>> 6] |= 1 &<< UInt64(b1 & 63)
                        m2[b2 &>> 6] |= 1 &<< UInt64(b2 & 63); m3[b3 &>> 6] |= 1 &<< UInt64(b3 & 63)
                    }
                }
                k += 4
            }
            while k < block.upperBound {
                let f = features[k]
                let column = binned + f * n
                let fh = hist + offsets[f], mf = marks + 4 * f
                for i in 0..<count {
                    let b = Int(column[identity ? i : Int(rows[i])])
                    fh[b].g += Double(g[i])
                    if let h { fh[b].h += Double(h[i]) }
                    fh[b].c &+= 1
                    mf[b &>> 6] |= 1 &<< UInt64(b & 63)
                }
                k += 1
            }
        }
    }

    /// `parent` -= `small` for the block's features, over the parent's marked bins (the smaller child's rows are
    /// the parent's, so its marks are among them). Bins that come out exactly zero lose their mark.
    @inline(__always)
    private func subtract(parent: UnsafeMutablePointer<HistBin>, parentMarks mark: UnsafeMutablePointer<UInt64>,
                          small: UnsafeMutablePointer<HistBin>, block: Range<Int>) {
        s.offsets.withUnsafeBufferPointer { offsets in
            for k in block {
                let f = s.splittable[k]
                let p = parent + offsets[f], q = small + offsets[f]
                for w in 0..<4 {
                    var bits = mark[4 * f + w]
                    var keep = bits
                    while bits != 0 {
                        let k = bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let b = w &* 64 &+ k
                        // A zero result is +0.0 (x - x is +0.0, and sums from +0.0 are never -0.0), so it is
                        // stored as is and only its mark goes; no branch on the data.
                        let v = HistBin(g: p[b].g - q[b].g, h: p[b].h - q[b].h, c: p[b].c &- q[b].c)
                        p[b] = v
                        let zero = (v.c == 0) && (v.g == 0) && (v.h == 0)
                        keep &= ~(UInt64(zero ? 1 : 0) &<< UInt64(k))
                    }
                    mark[4 * f + w] = keep
                }
            }
        }
    }

    // MARK: Split finding

    @inline(__always)
    private func nodeValue(_ g: Double, _ h: Double) -> Double {
        -g / (h + s.l2 + 1e-15)
    }

    /// The features a node may split on (scikit-learn's max_features, drawn per node), or nil for all.
    private func featureMask(_ generator: inout SeededGenerator) -> [Bool]? {
        guard s.featureFraction < 1 else { return nil }
        let keep = max(1, Int((s.featureFraction * Double(s.d)).rounded(.up)))
        var mask = [Bool](repeating: false, count: s.d)
        for f in 0..<keep { mask[f] = true }
        generator.shuffle(&mask)
        return mask
    }

    /// Scans the block's features of the target's histogram. Each feature's scan (autopipe_hist_split_scan)
    /// visits only marked bins: an unmarked bin is exactly zero, so adding it would leave every sum, check and
    /// gain as at the bin before, not a strictly better split. Features are taken in order and only a strictly
    /// larger gain replaces the best, as scikit-learn's splitter.
    @inline(__always)
    private func scan(_ target: inout ScanTarget, hist: UnsafePointer<HistBin>, marks: UnsafePointer<UInt64>,
                      block: Range<Int>) {
        let node = nodes[target.node]
        let lossCurrent = node.sumG * node.value
        for k in block {
            let f = s.splittable[k]
            if let allowed = target.allowed, !allowed[f] { continue }
            let hasMissing = s.hasMissing[f]
            let end = s.binsNonMissing[f] - 1 + (hasMissing ? 1 : 0)
            let top = hasMissing && s.binsNonMissing[f] >= 2 ? s.binsNonMissing[f] - 1 : 0
            var result = autopipe_split_scan()
            autopipe_hist_split_scan(level, hist + s.offsets[f], marks + 4 * f, end, top, node.n, node.sumG,
                                     node.sumH, lossCurrent, s.l2, s.minSamplesLeaf, s.minHessianToSplit,
                                     s.constantHessian ? 1 : 0, &result)
            guard result.found != 0, result.gain > target.best.gain else { continue }
            var split = Split()
            split.feature = f
            split.gain = result.gain
            split.bin = result.bin
            split.missingLeft = result.missing_left != 0
            split.gLeft = result.g_left
            split.hLeft = result.h_left
            split.nLeft = result.n_left
            target.best = split
        }
    }

    /// Records the target's best split and queues the node, or makes it a leaf (and frees its slot) when no split
    /// has a positive gain.
    private func finish(_ target: ScanTarget) {
        let node = target.node
        var best = target.best
        if best.gain > 0 {
            let n = nodes[node].n, sumG = nodes[node].sumG, sumH = nodes[node].sumH
            best.gRight = sumG - best.gLeft
            best.hRight = sumH - best.hLeft
            best.nRight = n - best.nLeft
            best.valueLeft = nodeValue(best.gLeft, best.hLeft)
            best.valueRight = nodeValue(best.gRight, best.hRight)
            nodes[node].split = best
            heapPush(node)
        } else {
            nodes[node].split = best
            nodes[node].isLeaf = true
            releaseSlot(node)
        }
    }

    // MARK: Splitting a node

    private func splitNode(_ node: Int, gradients: [Float], hessians: [Float]?,
                           generator: inout SeededGenerator) throws {
        let split = nodes[node].split
        let start = nodes[node].start, stop = nodes[node].stop
        let missingBin = UInt8(truncatingIfNeeded: s.binsNonMissing[split.feature])
        let splitBin = UInt8(truncatingIfNeeded: split.bin)
        let missingLeft = split.missingLeft
        // Stable partition of the node's range.
        var leftCount = 0
        s.binned.withUnsafeBufferPointer { xb in
            let column = xb.baseAddress! + split.feature * s.n
            partition.withUnsafeMutableBufferPointer { p in
                buffer.withUnsafeMutableBufferPointer { tmp in
                    var rightCount = 0
                    for i in start..<stop {
                        let sample = p[i]
                        let b = column[Int(sample)]
                        if (missingLeft && b == missingBin) || b <= splitBin {
                            p[start + leftCount] = sample
                            leftCount += 1
                        } else {
                            tmp[rightCount] = sample
                            rightCount += 1
                        }
                    }
                    for j in 0..<rightCount { p[start + leftCount + j] = tmp[j] }
                }
            }
        }
        let depth = nodes[node].depth + 1
        let leafCount = nodes.count - (nodes.count - 1) / 2 + 1 // leaves after this split (binary tree)
        let leftIndex = nodes.count, rightIndex = nodes.count + 1
        nodes.append(Node(depth: depth, start: start, stop: start + leftCount, sumG: split.gLeft,
                          sumH: split.hLeft, value: split.valueLeft))
        nodes.append(Node(depth: depth, start: start + leftCount, stop: stop, sumG: split.gRight,
                          sumH: split.hRight, value: split.valueRight))
        nodes[node].left = leftIndex
        nodes[node].right = rightIndex
        if !s.hasMissing[split.feature] {
            nodes[node].split.missingLeft = nodes[leftIndex].n > nodes[rightIndex].n
        }
        let parentSlot = nodes[node].slot
        nodes[node].slot = -1
        if let maxLeaves = s.maxLeafNodes, leafCount == maxLeaves {
            nodes[leftIndex].isLeaf = true
            nodes[rightIndex].isLeaf = true
            for pending in heap {
                nodes[pending].isLeaf = true
                releaseSlot(pending)
            }
            heap.removeAll()
            if parentSlot >= 0 { freeSlots.append(parentSlot) }
            return
        }
        if let maxDepth = s.maxDepth, depth == maxDepth {
            nodes[leftIndex].isLeaf = true
            nodes[rightIndex].isLeaf = true
            if parentSlot >= 0 { freeSlots.append(parentSlot) }
            return
        }
        if nodes[leftIndex].n < 2 * s.minSamplesLeaf { nodes[leftIndex].isLeaf = true }
        if nodes[rightIndex].n < 2 * s.minSamplesLeaf { nodes[rightIndex].isLeaf = true }
        let splitLeft = !nodes[leftIndex].isLeaf, splitRight = !nodes[rightIndex].isLeaf
        guard splitLeft || splitRight else {
            if parentSlot >= 0 { freeSlots.append(parentSlot) }
            return
        }
        let (small, large) = nodes[leftIndex].n < nodes[rightIndex].n
            ? (leftIndex, rightIndex) : (rightIndex, leftIndex)
        nodes[small].slot = acquireSlot()
        // The larger child's histogram is the parent's minus the smaller's, computed in the parent's slot.
        nodes[large].slot = parentSlot
        // Feature masks are drawn left child first, as the scans were run.
        var targets: [ScanTarget] = []
        if splitLeft { targets.append(ScanTarget(node: leftIndex, allowed: featureMask(&generator))) }
        if splitRight { targets.append(ScanTarget(node: rightIndex, allowed: featureMask(&generator))) }
        fusedPass(build: small, subtractFrom: parentSlot, targets: &targets, gradients: gradients,
                  hessians: hessians)
        for target in targets { finish(target) }
        for child in [leftIndex, rightIndex] where nodes[child].isLeaf { releaseSlot(child) }
    }

    // MARK: Python heapq with "a < b" meaning "a's gain is larger"

    @inline(__always) private func less(_ a: Int, _ b: Int) -> Bool { nodes[a].split.gain > nodes[b].split.gain }

    private func heapPush(_ item: Int) {
        heap.append(item)
        siftDown(0, heap.count - 1)
    }

    private func heapPop() -> Int {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftUp(0)
        return top
    }

    private func siftDown(_ startPos: Int, _ position: Int) {
        var pos = position
        let item = heap[pos]
        while pos > startPos {
            let parentPos = (pos - 1) >> 1
            let parent = heap[parentPos]
            if less(item, parent) {
                heap[pos] = parent
                pos = parentPos
                continue
            }
            break
        }
        heap[pos] = item
    }

    private func siftUp(_ position: Int) {
        var pos = position
        let endPos = heap.count, startPos = pos
        let item = heap[pos]
        var child = 2 * pos + 1
        while child < endPos {
            let rightPos = child + 1
            if rightPos < endPos && !less(heap[child], heap[rightPos]) { child = rightPos }
            heap[pos] = heap[child]
            pos = child
            child = 2 * pos + 1
        }
        heap[pos] = item
        siftDown(startPos, pos)
    }

    // MARK: Output

    private func makeTree() -> HistTree {
        var tree = HistTree()
        let count = nodes.count
        tree.feature.reserveCapacity(count)
        for node in nodes {
            let leaf = node.isLeaf || node.left < 0
            tree.feature.append(leaf ? -1 : Int32(node.split.feature))
            tree.bin.append(leaf ? 0 : UInt8(truncatingIfNeeded: node.split.bin))
            tree.missingLeft.append(leaf ? false : node.split.missingLeft)
            tree.left.append(leaf ? -1 : Int32(node.left))
            tree.right.append(leaf ? -1 : Int32(node.right))
            tree.value.append(leaf ? node.value * s.shrinkage : node.value)
            tree.start.append(node.start)
            tree.stop.append(node.stop)
        }
        return tree
    }
}
