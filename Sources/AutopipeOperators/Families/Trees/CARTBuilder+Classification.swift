#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Gini and entropy, computed with scikit-learn's formulas (`_criterion.pyx`): with integer sample weights the
/// class counts are exact, so every proxy value, and hence the choice between tied candidate splits, is the
/// same as scikit-learn's.
extension CARTBuilder {
    /// Fills `totals` (class weights), the node's labels and weights by position, and the class segments.
    func classTotals(_ start: Int, _ end: Int) -> Double {
        let k = classCount
        for c in 0..<k { totals[c] = 0 }
        for c in 0...k { classSegments[c] = 0 }
        var total = 0.0
        guard let y = labels else { return 0 }
        var i = 0
        for p in start..<end {
            let s = Int(samples[p])
            let w = weight(s)
            let label = y[s]
            nodeLabels[i] = label
            nodeWeights[i] = w
            totals[Int(label)] += w
            classSegments[Int(label) + 1] += 1
            total += w
            i += 1
        }
        presentCount = 0
        for c in 0..<k {
            if classSegments[c + 1] > 0 {
                present[presentCount] = c
                presentCount += 1
            }
            classSegments[c + 1] += classSegments[c]
        }
        return total
    }

    /// Sets up a node from the statistics its parent's partition recorded (class weights, class counts, weight):
    /// `totals`, the class segments, and (for the best splitter) the labels and weights by position. The
    /// samples are grouped by class, so no pass over the samples is needed for unit weights.
    func loadClassStats(_ stats: [Double], _ offset: Int, _ start: Int, _ count: Int) -> Double {
        let k = classCount
        classSegments[0] = 0
        presentCount = 0
        for c in 0..<k {
            totals[c] = stats[offset + c]
            let size = Int(stats[offset + k + c])
            if size > 0 {
                present[presentCount] = c
                presentCount += 1
            }
            classSegments[c + 1] = classSegments[c] + size
        }
        if !settings.randomSplits {
            for c in 0..<k {
                for i in classSegments[c]..<classSegments[c + 1] { nodeLabels[i] = Int32(c) }
            }
        }
        if let w = weights {
            for i in 0..<count { nodeWeights[i] = w[Int(samples[start &+ i])] }
        }
        return stats[offset + 2 * k]
    }

    /// scikit-learn's `log`: log base 2 as ln(x) / ln(2).
    @inline(__always) static func log2(_ x: Double) -> Double { log(x) / log(2.0) }

    /// Node impurity from class weights (Gini: 1 - sum p^2; entropy: -sum p log2 p).
    @inline(__always)
    func classImpurity(_ counts: UnsafeMutablePointer<Double>, _ weight: Double) -> Double {
        if settings.criterion == .entropy {
            var entropy = 0.0
            for j in 0..<presentCount {
                var p = counts[present[j]]
                if p > 0 {
                    p /= weight
                    entropy -= p * Self.log2(p)
                }
            }
            return entropy
        }
        // Absent classes would add exact zeros: summing the present ones gives the same value.
        var sq = 0.0
        for j in 0..<presentCount {
            let count = counts[present[j]]
            sq += count * count
        }
        return 1.0 - sq / (weight * weight)
    }

    /// scikit-learn's proxy `-w_r * impurity_r - w_l * impurity_l`. Gini uses the running sums of squared class
    /// weights; entropy walks the classes (left weights in `left`, right = totals - left).
    @inline(__always)
    func classProxy(leftWeight wL: Double, rightWeight wR: Double, sqLeft: Double, sqRight: Double) -> Double {
        if settings.criterion == .entropy {
            var eL = 0.0, eR = 0.0
            for j in 0..<presentCount {
                let c = present[j]
                var l = left[c]
                if l > 0 {
                    l /= wL
                    eL -= l * Self.log2(l)
                }
                var r = totals[c] - left[c]
                if r > 0 {
                    r /= wR
                    eR -= r * Self.log2(r)
                }
            }
            return -wR * eR - wL * eL
        }
        let giniL = 1.0 - sqLeft / (wL * wL)
        let giniR = 1.0 - sqRight / (wR * wR)
        return -wR * giniR - wL * giniL
    }

    /// Best threshold of feature `f` for the node (updating `best` when it beats it). Returns true when the
    /// feature is constant in the node.
    func bestClassSplit(_ f: Int, _ start: Int, _ end: Int, nodeWeight: Double, best: inout Split) -> Bool {
        let y = nodeLabels, nw = nodeWeights
        let m = end - start
        let (lo, hi) = gatherKeys(f, start, end)
        let dv = data.distinct + data.distinctStart[f]
        if Double(dv[Int(hi)]) <= Double(dv[Int(lo)]) + Self.featureThreshold { return true }
        let k = classCount
        let msl = settings.minSamplesLeaf
        let mwl = settings.minWeightLeaf
        var sqTotal = 0.0
        for c in 0..<k {
            left[c] = 0
            sqTotal += totals[c] * totals[c]
        }
        var sqL = 0.0, sqR = sqTotal, wL = 0.0, nL = 0
        var prev = -1
        let range = Int(hi - lo) + 1

        @inline(__always) func consider(_ code: Int) {
            // A split between the previous distinct value and `code`, unless within the tie tolerance.
            let a = dv[prev], b = dv[code]
            guard Double(b) > Double(a) + Self.featureThreshold else { return }
            let nR = m - nL
            guard nL >= msl && nR >= msl else { return }
            let wR = nodeWeight - wL
            guard wL >= mwl && wR >= mwl else { return }
            let proxy = classProxy(leftWeight: wL, rightWeight: wR, sqLeft: sqL, sqRight: sqR)
            if proxy > best.proxy {
                best.proxy = proxy
                best.feature = f
                best.position = start + nL
                best.threshold = Self.midpoint(a, b)
            }
        }

        if range * k <= m {
            // Per-rank class histograms: no sorting. Two interleaved copies (even and odd samples) halve the
            // store-to-load chains when neighbouring samples (grouped by class) share a rank.
            let size = range * k
            let hist = self.hist, second = self.hist + size, histCount = self.histCount, secondCount = histCount + range
            for i in 0..<(2 * size) { hist[i] = 0 }
            for i in 0..<(2 * range) { histCount[i] = 0 }
            let keys = self.keys
            var i = 0
            while i &+ 2 <= m {
                let key0 = keys[i], key1 = keys[i &+ 1]
                let r0 = Int(UInt32(truncatingIfNeeded: key0 >> 32) &- lo)
                let r1 = Int(UInt32(truncatingIfNeeded: key1 >> 32) &- lo)
                let p0 = Int(UInt32(truncatingIfNeeded: key0)), p1 = Int(UInt32(truncatingIfNeeded: key1))
                hist[r0 &* k &+ Int(y[p0])] += nw[p0]
                second[r1 &* k &+ Int(y[p1])] += nw[p1]
                histCount[r0] &+= 1
                secondCount[r1] &+= 1
                i &+= 2
            }
            if i < m {
                let key = keys[i]
                let r = Int(UInt32(truncatingIfNeeded: key >> 32) &- lo)
                let p = Int(UInt32(truncatingIfNeeded: key))
                hist[r &* k &+ Int(y[p])] += nw[p]
                histCount[r] &+= 1
            }
            for j in 0..<size { hist[j] += second[j] }
            for j in 0..<range { histCount[j] &+= secondCount[j] }
            let left = self.left, totals = self.totals
            for r in 0..<range where histCount[r] > 0 {
                let code = r + Int(lo)
                if prev >= 0 { consider(code) }
                let row = hist + r * k
                for c in 0..<k {
                    let h = row[c]
                    if h != 0 {
                        let l = left[c]
                        sqL += h * (2 * l + h)
                        sqR += h * (h - 2 * (totals[c] - l))
                        left[c] = l + h
                        wL += h
                    }
                }
                nL += Int(histCount[r])
                prev = code
            }
        } else {
            sortKeys(m, lo: lo, hi: hi)
            let sorted = self.keys
            for i in 0..<m {
                let key = sorted[i]
                let code = Int(UInt32(truncatingIfNeeded: key >> 32))
                if code != prev {
                    if prev >= 0 { consider(code) }
                    prev = code
                }
                let s = Int(UInt32(truncatingIfNeeded: key))
                let c = Int(y[s])
                let w = nw[s]
                let l = left[c]
                sqL += w * (2 * l + w)
                sqR += w * (w - 2 * (totals[c] - l))
                left[c] = l + w
                wL += w
                nL += 1
            }
        }
        return false
    }

    /// An extremely randomised split of feature `f` at `threshold` (scikit-learn's RandomSplitter evaluation).
    func randomClassSplit(_ f: Int, _ threshold: Double, _ start: Int, _ end: Int, nodeWeight: Double,
                          best: inout Split) {
        let buffer = featureBuffer
        let t = TreeSIMD.floatThreshold(threshold)
        var nL = 0, wL = 0.0
        // The samples are grouped by class: count each class's segment (no scatter, vectorised when long).
        for j in 0..<presentCount {
            let c = present[j]
            let lo = classSegments[c], hi = classSegments[c + 1]
            if weights == nil {
                let count = TreeSIMD.countLessEqual(buffer + lo, hi - lo, t)
                left[c] = Double(count)
                nL &+= count
            } else {
                let sums = TreeSIMD.maskedSums(buffer + lo, hi - lo, t, nodeWeights + lo, nil)
                left[c] = sums.a
                nL &+= sums.count
            }
            wL += left[c]
        }
        let nR = end - start - nL
        guard nL >= settings.minSamplesLeaf && nR >= settings.minSamplesLeaf else { return }
        let wR = nodeWeight - wL
        guard wL >= settings.minWeightLeaf && wR >= settings.minWeightLeaf else { return }
        var sqL = 0.0, sqR = 0.0
        for j in 0..<presentCount {
            let c = present[j]
            sqL += left[c] * left[c]
            let r = totals[c] - left[c]
            sqR += r * r
        }
        let proxy = classProxy(leftWeight: wL, rightWeight: wR, sqLeft: sqL, sqRight: sqR)
        if proxy > best.proxy {
            best.proxy = proxy
            best.feature = f
            best.position = start + nL
            best.threshold = threshold
        }
    }

    func classChildImpurities(_ start: Int, _ position: Int, _ end: Int, nodeWeight: Double, impurity: Double,
                              totalWeight: Double) -> (left: Double, right: Double, improvement: Double, leftWeight: Double) {
        // `partition` left the left child's class weights in `left`.
        let k = classCount
        let wL = partitionLeftWeight
        let wR = nodeWeight - wL
        for c in 0..<k { bestLeft[c] = totals[c] - left[c] }
        let impurityLeft = classImpurity(left, wL)
        let impurityRight = classImpurity(bestLeft, wR)
        let improvement = Self.improvement(nodeWeight: nodeWeight, totalWeight: totalWeight, impurity: impurity,
                                           leftWeight: wL, rightWeight: wR, leftImpurity: impurityLeft,
                                           rightImpurity: impurityRight)
        return (impurityLeft, impurityRight, improvement, wL)
    }
}
