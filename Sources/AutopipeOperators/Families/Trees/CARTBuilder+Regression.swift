/// squared_error (MSE) and friedman_mse, with scikit-learn's formulas: impurity `sum(w y^2)/w - mean^2`, proxy
/// `sum_l^2/w_l + sum_r^2/w_r` (MSE) or `(w_r sum_l - w_l sum_r)^2 / (w_l w_r)` (Friedman), and Friedman's
/// improvement `diff^2 / (w_l w_r w)`. `totals` holds [sum w*y, sum w*y*y] of the current node.
extension CARTBuilder {
    func regressionTotals(_ start: Int, _ end: Int) -> Double {
        var sum = 0.0, sq = 0.0, total = 0.0
        guard let y = targets else { return 0 }
        var i = 0
        for p in start..<end {
            let s = Int(samples[p])
            let w = weight(s)
            let v = y[s]
            nodeTargets[i] = v
            nodeWeights[i] = w
            nodeWY[i] = w * v
            sum += w * v
            sq += w * v * v
            total += w
            i += 1
        }
        totals[0] = sum
        totals[1] = sq
        return total
    }

    func regressionImpurity(_ weight: Double) -> Double {
        var impurity = totals[1] / weight
        let mean = totals[0] / weight
        impurity -= mean * mean
        return impurity
    }

    @inline(__always)
    func regressionProxy(sumLeft: Double, sumRight: Double, leftWeight wL: Double, rightWeight wR: Double) -> Double {
        if settings.criterion == .friedmanMSE {
            let diff = wR * sumLeft - wL * sumRight
            return diff * diff / (wL * wR)
        }
        return sumLeft * sumLeft / wL + sumRight * sumRight / wR
    }

    /// Best threshold of feature `f` for the node (updating `best`). Returns true when the feature is constant.
    func bestRegressionSplit(_ f: Int, _ start: Int, _ end: Int, nodeWeight: Double, best: inout Split) -> Bool {
        let y = nodeTargets, nw = nodeWeights
        let m = end - start
        let (lo, hi) = gatherKeys(f, start, end)
        let dv = data.distinct + data.distinctStart[f]
        if Double(dv[Int(hi)]) <= Double(dv[Int(lo)]) + Self.featureThreshold { return true }
        let msl = settings.minSamplesLeaf
        let mwl = settings.minWeightLeaf
        let sumTotal = totals[0]
        var sumL = 0.0, wL = 0.0, nL = 0
        var prev = -1
        let range = Int(hi - lo) + 1

        @inline(__always) func consider(_ code: Int) {
            let a = dv[prev], b = dv[code]
            guard Double(b) > Double(a) + Self.featureThreshold else { return }
            let nR = m - nL
            guard nL >= msl && nR >= msl else { return }
            let wR = nodeWeight - wL
            guard wL >= mwl && wR >= mwl else { return }
            let proxy = regressionProxy(sumLeft: sumL, sumRight: sumTotal - sumL, leftWeight: wL, rightWeight: wR)
            if proxy > best.proxy {
                best.proxy = proxy
                best.feature = f
                best.position = start + nL
                best.threshold = Self.midpoint(a, b)
            }
        }

        if range <= 2 * m {
            for i in 0..<(range * 2) { hist[i] = 0 }
            for i in 0..<range { histCount[i] = 0 }
            let keys = self.keys
            for i in 0..<m {
                let key = keys[i]
                let r = Int(UInt32(truncatingIfNeeded: key >> 32) - lo)
                let s = Int(UInt32(truncatingIfNeeded: key))
                let w = nw[s]
                hist[2 * r] += w * y[s]
                hist[2 * r + 1] += w
                histCount[r] += 1
            }
            for r in 0..<range where histCount[r] > 0 {
                let code = r + Int(lo)
                if prev >= 0 { consider(code) }
                sumL += hist[2 * r]
                wL += hist[2 * r + 1]
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
                let w = nw[s]
                sumL += w * y[s]
                wL += w
                nL += 1
            }
        }
        return false
    }

    func randomRegressionSplit(_ f: Int, _ threshold: Double, _ start: Int, _ end: Int, nodeWeight: Double,
                               best: inout Split) {
        let sums = TreeSIMD.maskedSums(featureBuffer, end - start, TreeSIMD.floatThreshold(threshold), nodeWeights,
                                       nodeWY)
        let nL = sums.count, wL = sums.a, sumL = sums.b
        let nR = end - start - nL
        guard nL >= settings.minSamplesLeaf && nR >= settings.minSamplesLeaf else { return }
        let wR = nodeWeight - wL
        guard wL >= settings.minWeightLeaf && wR >= settings.minWeightLeaf else { return }
        let proxy = regressionProxy(sumLeft: sumL, sumRight: totals[0] - sumL, leftWeight: wL, rightWeight: wR)
        if proxy > best.proxy {
            best.proxy = proxy
            best.feature = f
            best.position = start + nL
            best.threshold = threshold
        }
    }

    func regressionChildImpurities(_ start: Int, _ position: Int, _ end: Int, nodeWeight: Double,
                                   impurity: Double, totalWeight: Double)
        -> (left: Double, right: Double, improvement: Double, leftWeight: Double)
    {
        // `partition` left the left child's sums in `left`.
        let sumL = left[0], sqL = left[1], wL = partitionLeftWeight
        let wR = nodeWeight - wL
        let sumR = totals[0] - sumL
        let sqR = totals[1] - sqL
        var impurityLeft = sqL / wL
        var impurityRight = sqR / wR
        let meanL = sumL / wL, meanR = sumR / wR
        impurityLeft -= meanL * meanL
        impurityRight -= meanR * meanR
        let improvement: Double
        if settings.criterion == .friedmanMSE {
            let diff = wR * sumL - wL * sumR
            improvement = diff * diff / (wL * wR * nodeWeight)
        } else {
            improvement = Self.improvement(nodeWeight: nodeWeight, totalWeight: totalWeight, impurity: impurity,
                                           leftWeight: wL, rightWeight: wR, leftImpurity: impurityLeft,
                                           rightImpurity: impurityRight)
        }
        return (impurityLeft, impurityRight, improvement, wL)
    }
}
